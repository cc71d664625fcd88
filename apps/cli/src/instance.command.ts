import type { Command } from 'commander';
import { CliError, path } from './api-client';
import type { InstanceInfo, WorkflowInfo } from './api-types';
import { type CliDeps, type CommandContext, action, addConnectionOptions, collect, readJsonFile, splitPair } from './context';
import { fields, table } from './output';
import { triggerCurl } from './trigger.command';
import { workflowBody, workflowsTable } from './workflow.command';

interface CreateOptions {
  name?: string;
  workflow?: string[];
  callback?: boolean;
  file?: string;
}

interface CreateResponse {
  success: true;
  processInstanceId: string;
  apiKey: string;
  dispatchSecret: string;
  instance?: InstanceInfo;
  workflows?: WorkflowInfo[];
}

/** `sluice instance …`: a process instance is a set of workflow endpoints with one `ck_` key. */
export function registerInstanceCommands(program: Command, deps: CliDeps): void {
  const instance = program.command('instance').description('create, list, inspect, pause, resume and delete instances');

  addConnectionOptions(
    instance
      .command('create')
      .description('create an instance; prints its key and dispatch secret once')
      .option('--name <name>', 'instance name')
      .option('--workflow <workflowId=url>', 'a workflow and its target URL (repeatable)', collect)
      .option('--callback', 'the --workflow targets answer via /submitWorkflowResult (resultMode callback)')
      .option('--file <instance.json>', 'the whole request body {name, workflows:[…]} from a file'),
  ).action(
    action<CreateOptions>(deps, async (ctx, opts) => {
      const body = createBody(opts);
      const { body: res } = await ctx.client.post<CreateResponse>('/v1/instances', { auth: 'org', body });
      ctx.out.result(res, () => describeCreated(ctx, res, body));
    }),
  );

  addConnectionOptions(instance.command('list').description("list the organization's instances")).action(
    action(deps, async (ctx) => {
      const { body } = await ctx.client.get<{ instances: InstanceInfo[] }>('/v1/instances', { auth: 'org' });
      ctx.out.result(body, () =>
        table(
          ['INSTANCE', 'NAME', 'STATE', 'KEY', 'CREATED'],
          body.instances.map((i) => [i.processInstanceId, i.name, state(i), i.apiKeyHint, i.createdAt]),
          'No instances yet: create one with `sluice instance create`.',
        ),
      );
    }),
  );

  addConnectionOptions(instance.command('get <processInstanceId>').description('show an instance and its workflows')).action(
    action(deps, async (ctx, _opts, [pid]) => {
      const { body } = await ctx.client.get<{ instance: InstanceInfo; workflows: WorkflowInfo[] }>(
        path`/v1/instances/${pid!}`,
        { auth: 'org' },
      );
      ctx.out.result(body, () => `${describeInstance(body.instance)}\n\n${workflowsTable(body.workflows ?? [])}`);
    }),
  );

  addConnectionOptions(
    instance.command('pause <processInstanceId>').description('stop accepting triggers (they answer 412) until resumed'),
  ).action(
    action(deps, async (ctx, _opts, [pid]) => {
      const body = await setActive(ctx, pid!, false);
      ctx.out.result(body, () => `Paused ${pid}: triggers answer 412 INSTANCE_PAUSED until \`sluice instance resume ${pid}\`.`);
    }),
  );

  addConnectionOptions(instance.command('resume <processInstanceId>').description('accept triggers again')).action(
    action(deps, async (ctx, _opts, [pid]) => {
      const body = await setActive(ctx, pid!, true);
      ctx.out.result(body, () => `Resumed ${pid}: it accepts triggers again.`);
    }),
  );

  addConnectionOptions(
    instance.command('delete <processInstanceId>').description('delete an instance, its workflows, key and signing secrets'),
  ).action(
    action(deps, async (ctx, _opts, [pid]) => {
      const { body } = await ctx.client.delete(path`/v1/instances/${pid!}`, { auth: 'org' });
      ctx.out.result(body, () => `Deleted instance ${pid}.`);
    }),
  );
}

function createBody(opts: CreateOptions): Record<string, unknown> {
  if (opts.file !== undefined) {
    if (opts.workflow?.length || opts.callback) {
      throw new CliError('INVALID_ARGUMENT', 'Use either --file or --workflow/--callback, not both.');
    }
    const body = readJsonFile(opts.file);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new CliError('INVALID_ARGUMENT', `${opts.file} must hold a JSON object {name, workflows:[…]}.`);
    }
    return opts.name !== undefined ? { ...body, name: opts.name } : (body as Record<string, unknown>);
  }
  if (!opts.name) throw new CliError('INVALID_ARGUMENT', 'Pass --name (or --file instance.json).');
  if (!opts.workflow?.length) {
    throw new CliError('INVALID_ARGUMENT', 'Pass at least one --workflow <workflowId>=<url> (or --file instance.json).');
  }
  const workflows = opts.workflow.map((w) => {
    const [workflowId, url] = splitPair(w, '--workflow');
    return workflowBody(workflowId, url, { callback: opts.callback === true });
  });
  return { name: opts.name, workflows };
}

function describeCreated(ctx: CommandContext, res: CreateResponse, sent: Record<string, unknown>): string {
  const workflows = res.workflows ?? (sent.workflows as WorkflowInfo[] | undefined) ?? [];
  const lines = [
    `Created instance ${res.instance?.name ?? String(sent.name ?? '')} (${res.processInstanceId}).`,
    '',
    fields(
      [
        ['processInstanceId', res.processInstanceId],
        ['apiKey', res.apiKey],
        ['dispatchSecret', res.dispatchSecret],
      ],
      '  ',
    ),
    '',
    'apiKey and dispatchSecret are shown only once: store them now.',
    '  apiKey (X-API-Key) triggers runs and polls their status; `sluice key regenerate` replaces it.',
    "  dispatchSecret lets your targets verify Sluice's Standard Webhooks signature on each dispatch.",
    '',
    workflowsTable(workflows),
  ];
  const first = workflows[0];
  if (first) {
    lines.push('', 'Trigger a run:', triggerCurl(ctx.baseUrl, res.processInstanceId, first.workflowId, res.apiKey));
  }
  return lines.join('\n');
}

function describeInstance(i: InstanceInfo): string {
  return fields([
    ['processInstanceId', i.processInstanceId],
    ['name', i.name],
    ['state', state(i)],
    ['organizationId', i.organizationId],
    ['apiKey', i.apiKeyHint],
    ['createdAt', i.createdAt],
    ['updatedAt', i.updatedAt],
  ]);
}

function state(i: InstanceInfo): string {
  return i.active === false ? 'paused' : 'active';
}

async function setActive(ctx: CommandContext, pid: string, active: boolean): Promise<unknown> {
  const { body } = await ctx.client.patch(path`/v1/instances/${pid}`, { auth: 'org', body: { active } });
  return body;
}
