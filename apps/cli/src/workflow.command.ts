import type { Command } from 'commander';
import { CliError, path } from './api-client';
import type { WorkflowInfo } from './api-types';
import { type CliDeps, action, addConnectionOptions, collect, positiveInt, readJsonFile, splitPair } from './context';
import { table } from './output';

interface PutOptions {
  url: string;
  callback?: boolean;
  timeoutMs?: number;
  maxConcurrency?: number;
  header?: string[];
  schema?: string;
}

/** `sluice workflow put|remove`: one workflow endpoint of an instance (PUT replaces it whole). */
export function registerWorkflowCommands(program: Command, deps: CliDeps): void {
  const workflow = program.command('workflow').description('add, replace or remove a workflow of an instance');

  addConnectionOptions(
    workflow
      .command('put <processInstanceId> <workflowId>')
      .description('create or replace a workflow (its target, result mode and input schema)')
      .requiredOption('--url <url>', "the workflow's target URL (where runs are dispatched)")
      .option('--callback', 'the target answers later via /submitWorkflowResult (resultMode callback)')
      .option('--timeout-ms <n>', 'dispatch timeout in ms', positiveInt)
      .option('--max-concurrency <n>', 'at most n runs of this workflow at once', positiveInt)
      .option('--header <name=value>', 'a header sent with every dispatch (repeatable)', collect)
      .option('--schema <file.json>', 'JSON Schema the trigger payload must match (inputSchema)'),
    { url: false },
  ).action(
    action<PutOptions>(deps, async (ctx, opts, [pid, wid]) => {
      const body = workflowBody(wid!, opts.url, opts);
      const { body: res } = await ctx.client.put<{ workflow: WorkflowInfo }>(path`/v1/instances/${pid!}/workflows/${wid!}`, {
        auth: 'org',
        body,
      });
      ctx.out.result(res, () => `Saved workflow ${wid} of ${pid}.\n${workflowsTable([res.workflow ?? body])}`);
    }),
  );

  addConnectionOptions(
    workflow.command('remove <processInstanceId> <workflowId>').description('remove a workflow from an instance'),
  ).action(
    action(deps, async (ctx, _opts, [pid, wid]) => {
      const { body } = await ctx.client.delete(path`/v1/instances/${pid!}/workflows/${wid!}`, { auth: 'org' });
      ctx.out.result(body, () => `Removed workflow ${wid} from ${pid}.`);
    }),
  );
}

/** The workflow body of DESIGN §6, shared by `workflow put` and `instance create --workflow`. */
export function workflowBody(
  workflowId: string,
  url: string,
  opts: Omit<PutOptions, 'url'> = {},
): WorkflowInfo & { resultMode: 'response' | 'callback' } {
  const headers = opts.header?.length
    ? Object.fromEntries(opts.header.map((h) => splitPair(h, '--header')))
    : undefined;
  let inputSchema: Record<string, unknown> | undefined;
  if (opts.schema !== undefined) {
    const schema = readJsonFile(opts.schema);
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new CliError('INVALID_ARGUMENT', `${opts.schema} must hold a JSON Schema object.`);
    }
    inputSchema = schema as Record<string, unknown>;
  }
  return {
    workflowId,
    target: {
      url,
      ...(headers ? { headers } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.maxConcurrency !== undefined ? { maxConcurrency: opts.maxConcurrency } : {}),
    },
    resultMode: opts.callback ? 'callback' : 'response',
    ...(inputSchema ? { inputSchema } : {}),
  };
}

/** Header values may be credentials for the target, so only their names are shown. */
export function workflowsTable(workflows: readonly WorkflowInfo[]): string {
  return table(
    ['WORKFLOW', 'MODE', 'TARGET', 'TIMEOUT MS', 'MAX CONC', 'HEADERS', 'SCHEMA'],
    workflows.map((w) => [
      w.workflowId,
      w.resultMode ?? 'response',
      w.target.url,
      w.target.timeoutMs,
      w.target.maxConcurrency,
      Object.keys(w.target.headers ?? {}).join(',') || undefined,
      w.inputSchema ? 'yes' : undefined,
    ]),
    '(no workflows)',
  );
}
