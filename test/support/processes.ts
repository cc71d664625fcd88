import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '../..');
let built = false;

/** Bundles dist/server.js once per test file (esbuild, well under a second). */
export function buildOnce(): void {
  if (built) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
  built = true;
}

export interface ServerProcess {
  child: ChildProcess;
  /** Resolves once the roles are up: the ingress URL when it serves HTTP. */
  ready: Promise<{ url?: string }>;
  output: string[];
  exited: Promise<number | null>;
}

/** `node dist/server.js` as a real process (SIGTERM/SIGKILL tests, several replicas). */
export function startServerProcess(env: Record<string, string>): ServerProcess {
  buildOnce();
  const output: string[] = [];
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const wantsWorker = env.SLUICE_ROLE === 'worker' || env.SLUICE_ROLE === 'all' || env.SLUICE_ROLE === undefined;
  const ready = new Promise<{ url?: string }>((resolveReady, reject) => {
    const check = () => {
      const text = output.join('');
      const url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(text)?.[1];
      const workerUp = text.includes('"msg":"worker started"');
      if ((env.SLUICE_ROLE === 'ingress' && url) || (wantsWorker && workerUp && (env.SLUICE_ROLE === 'worker' || url))) {
        resolveReady(url ? { url } : {});
      }
    };
    child.stdout!.on('data', (c: Buffer) => {
      output.push(String(c));
      check();
    });
    child.stderr!.on('data', (c: Buffer) => output.push(String(c)));
    void exited.then((code) => reject(new Error(`server exited with ${code}: ${output.join('').slice(-2000)}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, output, exited };
}

export async function stopAll(processes: ServerProcess[], signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill(signal);
  await Promise.all(processes.map((p) => p.exited));
}
