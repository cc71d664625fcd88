import { readFileSync } from 'node:fs';
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { ApiClient, CliError, type FetchLike } from './api-client';
import { Output, type TextSink } from './output';

/** Everything the CLI takes from the outside world; main.ts passes the real ones, tests fakes. */
export interface CliDeps {
  env: Readonly<Record<string, string | undefined>>;
  stdout: TextSink;
  stderr: TextSink;
  fetch: FetchLike;
  /** Injectable for the trigger --poll loop; defaults to setTimeout and Date.now. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const DEFAULT_URL = 'http://localhost:8080';

interface ConnectionOptions {
  url?: string;
  orgKey?: string;
  apiKey?: string;
  json?: boolean;
}

/** Commands whose `--url` is the Sluice URL (on `workflow put`, `--url` is the target). */
const serverUrlCommands = new WeakSet<Command>();

/**
 * Adds the connection options. They are accepted on the root (before the subcommand) and on
 * every leaf command (after it), so `sluice --json instance list` and `sluice instance list
 * --json` both work; the value nearest the leaf wins, then the environment, then the default.
 */
export function addConnectionOptions(cmd: Command, options: { url?: boolean } = {}): Command {
  if (options.url !== false) {
    cmd.option('--url <url>', `Sluice base URL (env SLUICE_URL, default ${DEFAULT_URL})`);
    serverUrlCommands.add(cmd);
  }
  return cmd
    .option('--org-key <key>', 'organization key cko_… (env SLUICE_ORG_KEY)')
    .option('--api-key <key>', 'instance key ck_… for trigger/status (env SLUICE_API_KEY)')
    .option('--json', 'print the raw JSON response');
}

/** What one command invocation works with. */
export class CommandContext {
  readonly out: Output;
  readonly baseUrl: string;
  private readonly connection: ConnectionOptions;

  constructor(
    readonly deps: CliDeps,
    readonly command: Command,
  ) {
    this.connection = resolveConnection(command, deps.env);
    this.out = new Output(deps.stdout, this.connection.json === true);
    this.baseUrl = this.connection.url ?? DEFAULT_URL;
  }

  get client(): ApiClient {
    return new ApiClient({
      baseUrl: this.baseUrl,
      fetch: this.deps.fetch,
      ...(this.connection.orgKey ? { orgKey: this.connection.orgKey } : {}),
      ...(this.connection.apiKey ? { apiKey: this.connection.apiKey } : {}),
    });
  }

  sleep(ms: number): Promise<void> {
    return this.deps.sleep ? this.deps.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }

  now(): number {
    return this.deps.now ? this.deps.now() : Date.now();
  }
}

function resolveConnection(leaf: Command, env: CliDeps['env']): ConnectionOptions {
  const chain: Command[] = [];
  for (let c: Command | null = leaf; c; c = c.parent) chain.push(c);
  const pick = (name: keyof ConnectionOptions) => {
    for (const c of chain) {
      if (name === 'url' && !serverUrlCommands.has(c)) continue;
      const value = c.opts<ConnectionOptions>()[name];
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  return {
    url: nonEmpty(pick('url') as string | undefined) ?? nonEmpty(env.SLUICE_URL),
    orgKey: nonEmpty(pick('orgKey') as string | undefined) ?? nonEmpty(env.SLUICE_ORG_KEY),
    apiKey: nonEmpty(pick('apiKey') as string | undefined) ?? nonEmpty(env.SLUICE_API_KEY),
    json: pick('json') === true,
  };
}

/**
 * Wraps a command handler: it gets the context, the leaf's options and its positional
 * arguments. A thrown error is printed as `code: message` on stderr and ends the command with
 * exit code 1, thrown as a CommanderError like every other exit of the program.
 */
export function action<O>(
  deps: CliDeps,
  handler: (ctx: CommandContext, opts: O, args: string[]) => Promise<void>,
): (...commanderArgs: unknown[]) => Promise<void> {
  return async (...commanderArgs) => {
    const command = commanderArgs[commanderArgs.length - 1] as Command;
    try {
      const ctx = new CommandContext(deps, command);
      await handler(ctx, command.opts() as O, command.processedArgs as string[]);
    } catch (err) {
      const message = renderError(err);
      deps.stderr.write(`${message}\n`);
      throw new CommanderError(1, 'sluice.failed', message);
    }
  };
}

export function renderError(err: unknown): string {
  if (err instanceof CliError) {
    const { requestId } = err.details;
    return `${err.code}: ${err.message}${requestId ? ` (requestId ${requestId})` : ''}`;
  }
  return `UNEXPECTED_ERROR: ${err instanceof Error ? err.message : String(err)}`;
}

// ---- option parsers and file readers shared by the command files ----

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('Expected a positive whole number.');
  return Number(value);
}

/** Accepts anything Date.parse understands and sends it as a full ISO-8601 timestamp. */
export function isoDate(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('Expected a date, e.g. 2030-01-31T00:00:00Z.');
  return new Date(ms).toISOString();
}

/** `key=value`, split at the first `=`. */
export function splitPair(value: string, what: string): [string, string] {
  const at = value.indexOf('=');
  if (at <= 0) throw new CliError('INVALID_ARGUMENT', `${what} must look like key=value, got "${value}".`);
  return [value.slice(0, at).trim(), value.slice(at + 1).trim()];
}

export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError('FILE_UNREADABLE', `Cannot read ${file} (${code}).`);
  }
}

/** Parses JSON without echoing the text (it may be a payload or hold secrets). */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError('INVALID_JSON', `${source} is not valid JSON.`);
  }
}

export function readJsonFile(file: string): unknown {
  return parseJson(readTextFile(file), file);
}
