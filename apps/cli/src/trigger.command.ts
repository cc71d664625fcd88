import type { Command } from 'commander';
import { CliError, path } from './api-client';
import type { StatusResponse, TriggerResponse } from './api-types';
import { type CliDeps, type CommandContext, action, addConnectionOptions, parseJson, positiveInt, readTextFile } from './context';
import { describeExecution } from './execution.command';

interface TriggerOptions {
  instance: string;
  payloadFile?: string;
  payload?: string;
  idempotencyKey?: string;
  poll?: boolean;
  timeoutSec: number;
}

const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2000;
const DEFAULT_TIMEOUT_SEC = 60;

/**
 * `sluice trigger <wid> --instance <pid>`: the Codika-compatible trigger (POST /webhook/…) with
 * the instance key, and with --poll the status loop (GET /status/…) until the run ends.
 * Exit code 0 when the run succeeded (or, without --poll, was accepted); 1 on failed or timeout.
 */
export function registerTriggerCommand(program: Command, deps: CliDeps): void {
  addConnectionOptions(
    program
      .command('trigger <workflowId>')
      .description('trigger a run with a JSON payload, optionally waiting for its result')
      .requiredOption('--instance <processInstanceId>', 'the instance the workflow belongs to')
      .option('--payload-file <file.json>', 'the payload, a JSON file (sent as {"payload": …})')
      .option('--payload <json>', 'the payload as inline JSON')
      .option('--idempotency-key <key>', 'delivery id: a repeat with the same key returns the first run')
      .option('--poll', 'wait for the run to finish and print it')
      .option('--timeout-sec <n>', 'how long --poll waits, in seconds', positiveInt, DEFAULT_TIMEOUT_SEC),
  ).action(
    action<TriggerOptions>(deps, async (ctx, opts, [wid]) => {
      const pid = opts.instance;
      const payload = readPayload(opts);
      const { body: started } = await ctx.client.post<TriggerResponse>(path`/webhook/${pid}/${wid!}`, {
        auth: 'instance',
        body: { payload },
        ...(opts.idempotencyKey ? { headers: { 'Idempotency-Key': opts.idempotencyKey } } : {}),
      });
      const eid = started.executionId;
      if (!opts.poll) {
        ctx.out.result(started, () =>
          [
            started.duplicate
              ? `Duplicate delivery: the original execution is ${eid} (no new run).`
              : `Execution started: ${eid}`,
            'Follow it with --poll, or:',
            `  curl -s ${ctx.baseUrl}${path`/status/${pid}/${eid}`} -H "X-API-Key: $SLUICE_API_KEY"`,
          ].join('\n'),
        );
        return;
      }
      if (started.duplicate) ctx.out.note(`Duplicate delivery: following the original execution ${eid}.`);
      else ctx.out.note(`Execution started: ${eid}; waiting up to ${opts.timeoutSec} s…`);

      const { final, timedOut } = await pollUntilDone(ctx, pid, eid, opts.timeoutSec * 1000);
      ctx.out.result(final, () => describeExecution(final.execution));
      if (timedOut) {
        throw new CliError('POLL_TIMEOUT', `Execution ${eid} is still pending after ${opts.timeoutSec} s.`);
      }
      if (final.execution.status === 'failed') {
        const d = final.execution.errorDetails;
        throw new CliError('EXECUTION_FAILED', `Execution ${eid} failed${d ? ` (${d.type}): ${d.message}` : '.'}`);
      }
    }),
  );
}

function readPayload(opts: TriggerOptions): unknown {
  if ((opts.payload === undefined) === (opts.payloadFile === undefined)) {
    throw new CliError('INVALID_ARGUMENT', 'Pass exactly one of --payload-file or --payload.');
  }
  return opts.payloadFile !== undefined
    ? parseJson(readTextFile(opts.payloadFile), opts.payloadFile)
    : parseJson(opts.payload!, '--payload');
}

/**
 * Polls the run's status, 250 ms first and doubling up to 2 s, until it is no longer pending
 * or the timeout passes (one last poll at the deadline). 429 and 503 answers are waited out.
 */
async function pollUntilDone(
  ctx: CommandContext,
  pid: string,
  eid: string,
  timeoutMs: number,
): Promise<{ final: StatusResponse; timedOut: boolean }> {
  const deadline = ctx.now() + timeoutMs;
  let interval = FIRST_POLL_MS;
  let last: StatusResponse | undefined;
  for (;;) {
    await ctx.sleep(Math.max(0, Math.min(interval, deadline - ctx.now())));
    try {
      ({ body: last } = await ctx.client.get<StatusResponse>(path`/status/${pid}/${eid}`, { auth: 'instance' }));
      if (last.execution.status !== 'pending') return { final: last, timedOut: false };
    } catch (err) {
      const transient = err instanceof CliError && (err.details.status === 429 || err.details.status === 503);
      if (!transient || ctx.now() >= deadline) throw err;
    }
    if (ctx.now() >= deadline) {
      if (last) return { final: last, timedOut: true };
      throw new CliError('POLL_TIMEOUT', `No status for execution ${eid} within ${timeoutMs / 1000} s.`);
    }
    interval = Math.min(interval * 2, MAX_POLL_MS);
  }
}

/** A copy-paste trigger example for a new instance. */
export function triggerCurl(baseUrl: string, pid: string, wid: string, apiKey: string): string {
  return [
    `  curl -s -X POST ${baseUrl}${path`/webhook/${pid}/${wid}`} \\`,
    `    -H 'X-API-Key: ${apiKey}' -H 'Content-Type: application/json' \\`,
    `    -d '{"payload":{"hello":"world"}}'`,
  ].join('\n');
}
