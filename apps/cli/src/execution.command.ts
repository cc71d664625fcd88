import { type Command, Option } from 'commander';
import { path } from './api-client';
import type { ExecutionInfo, TriggerResponse } from './api-types';
import { type CliDeps, action, addConnectionOptions, positiveInt } from './context';
import { fields, indentedJson, table } from './output';

interface ListOptions {
  status?: string;
  workflow?: string;
  limit?: number;
  before?: string;
}

/** `sluice executions …`: the run history of an instance (org key with executions:read). */
export function registerExecutionCommands(program: Command, deps: CliDeps): void {
  const executions = program.command('executions').alias('execution').description("inspect and replay an instance's runs");

  addConnectionOptions(
    executions
      .command('list <processInstanceId>')
      .description('list runs, newest first')
      .addOption(new Option('--status <status>', 'only runs in this state').choices(['pending', 'success', 'failed']))
      .option('--workflow <workflowId>', 'only runs of this workflow')
      .option('--limit <n>', 'at most n runs (server default 50, max 500)', positiveInt)
      .option('--before <cursor>', 'the page after this cursor (printed as "next page" by the previous list)'),
  ).action(
    action<ListOptions>(deps, async (ctx, opts, [pid]) => {
      const { body } = await ctx.client.get<{ executions: ExecutionInfo[]; nextBefore?: number }>(
        path`/v1/instances/${pid!}/executions`,
        { auth: 'org', query: { status: opts.status, workflowId: opts.workflow, limit: opts.limit, before: opts.before } },
      );
      ctx.out.result(body, () => {
        const rows = table(
          ['EXECUTION', 'WORKFLOW', 'STATUS', 'CREATED', 'DURATION MS', 'ATTEMPTS'],
          body.executions.map((e) => [e.executionId, e.workflowId, e.status, e.createdAt, e.duration, e.attempts]),
          'No executions.',
        );
        return body.nextBefore === undefined ? rows : `${rows}\nnext page: --before ${body.nextBefore}`;
      });
    }),
  );

  addConnectionOptions(
    executions.command('get <processInstanceId> <executionId>').description('show one run with its result or error'),
  ).action(
    action(deps, async (ctx, _opts, [pid, eid]) => {
      const { body } = await ctx.client.get<{ execution: ExecutionInfo }>(path`/v1/instances/${pid!}/executions/${eid!}`, {
        auth: 'org',
      });
      ctx.out.result(body, () => describeExecution(body.execution));
    }),
  );

  addConnectionOptions(
    executions
      .command('replay <processInstanceId> <executionId>')
      .description('run again from the exact bytes the original received (a new, linked execution)'),
  ).action(
    action(deps, async (ctx, _opts, [pid, eid]) => {
      const { body } = await ctx.client.post<TriggerResponse & { replayOf?: string }>(
        path`/v1/instances/${pid!}/executions/${eid!}/replay`,
        { auth: 'org' },
      );
      ctx.out.result(body, () => `Replay of ${eid} started: ${body.executionId}`);
    }),
  );

  addConnectionOptions(
    executions
      .command('replay-failed <processInstanceId> <workflowId>')
      .description('replay every failed run of a workflow that was not replayed yet'),
  ).action(
    action(deps, async (ctx, _opts, [pid, wid]) => {
      const { body } = await ctx.client.post<{ count: number; replayed: Array<{ originalExecutionId: string; executionId: string }> }>(
        path`/v1/instances/${pid!}/workflows/${wid!}/executions/replay-failed`,
        { auth: 'org' },
      );
      ctx.out.result(body, () =>
        body.count === 0
          ? 'No failed runs to replay.'
          : table(['ORIGINAL', 'REPLAY'], body.replayed.map((r) => [r.originalExecutionId, r.executionId]), ''),
      );
    }),
  );
}

/** A run as text: its state, then its result (success) or its error (failed). */
export function describeExecution(e: ExecutionInfo): string {
  const lines = [
    fields([
      ['executionId', e.executionId],
      ['workflowId', e.workflowId],
      ['status', e.status],
      ['createdAt', e.createdAt],
      ['duration', e.duration !== undefined ? `${e.duration} ms` : undefined],
      ['attempts', e.attempts],
      ['replayOf', e.replayOf],
    ]),
  ];
  if (e.errorDetails) {
    const d = e.errorDetails;
    lines.push(
      'error:',
      fields(
        [
          ['type', d.type],
          ['message', d.message],
          ['code', d.code],
          ['failedNodeName', d.failedNodeName],
        ],
        '  ',
      ),
    );
  }
  if (e.resultData !== undefined) lines.push('resultData:', indentedJson(e.resultData));
  return lines.join('\n');
}
