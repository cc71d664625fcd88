import { Command, CommanderError } from 'commander';
import { registerBootstrapCommand } from './bootstrap.command';
import { type CliDeps, addConnectionOptions, renderError } from './context';
import { registerExecutionCommands } from './execution.command';
import { registerInstanceCommands } from './instance.command';
import { registerKeyCommands } from './key.command';
import { registerSecretCommands } from './secret.command';
import { registerTriggerCommand } from './trigger.command';
import { registerWorkflowCommands } from './workflow.command';

export type { CliDeps } from './context';

/**
 * The `sluice` program, free of process.*: output goes to deps.stdout/stderr, HTTP through
 * deps.fetch, and every exit becomes a thrown CommanderError (exitOverride) carrying the exit
 * code, so tests run it in-process and main.ts sets process.exitCode from it.
 */
export function createProgram(deps: CliDeps): Command {
  const program = new Command('sluice')
    .description('Manage a Sluice webhook ingestion service: instances, workflows, keys, secrets, runs.')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)');
  addConnectionOptions(program);
  program.addHelpText(
    'after',
    `
Connection options go before or after the subcommand. On \`workflow put\`, --url is the
target URL: give the Sluice URL before the subcommand or in SLUICE_URL.`,
  );

  // Subcommands are created with program.command(), so they inherit exitOverride and the output.
  registerBootstrapCommand(program, deps);
  registerInstanceCommands(program, deps);
  registerWorkflowCommands(program, deps);
  registerSecretCommands(program, deps);
  registerKeyCommands(program, deps);
  registerExecutionCommands(program, deps);
  registerTriggerCommand(program, deps);
  return program;
}

/** Runs one invocation (argv without node and script) and resolves to its exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const program = createProgram(deps);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    // Commander has already printed its own messages (usage errors, help, command failures).
    if (err instanceof CommanderError) return err.exitCode;
    deps.stderr.write(`${renderError(err)}\n`);
    return 1;
  }
}
