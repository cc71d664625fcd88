#!/usr/bin/env node
import { runCli } from './program';

/** `sluice`: the only file that touches process.*; everything else gets it injected. */
runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  fetch: (input, init) => fetch(input, init),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`UNEXPECTED_ERROR: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
