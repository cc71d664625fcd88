import { ORG_SCOPES } from '@sluice/auth';
import { type Command, InvalidArgumentError } from 'commander';
import { CliError, path } from './api-client';
import type { OrgKeyInfo } from './api-types';
import { type CliDeps, type CommandContext, action, addConnectionOptions, isoDate } from './context';
import { fields, table } from './output';

interface CreateOptions {
  name: string;
  scope: string[];
  expiresAt?: string;
}

interface UpdateOptions {
  name?: string;
  scope?: string[];
  expiresAt?: string;
  clearExpiry?: boolean;
}

interface CreatedOrgKey {
  success: true;
  keyId: string;
  apiKey: string;
  key: OrgKeyInfo;
}

/** `--scope a --scope b` or `--scope a,b`; each must be one of the org scopes. */
function scopes(value: string, previous: string[] | undefined): string[] {
  const given = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = given.filter((s) => !(ORG_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || given.length === 0) {
    throw new InvalidArgumentError(`Scopes are ${ORG_SCOPES.join(', ')}.`);
  }
  return [...new Set([...(previous ?? []), ...given])];
}

/** `sluice key regenerate` (instance `ck_` keys) and `sluice org-key …` (organization `cko_` keys). */
export function registerKeyCommands(program: Command, deps: CliDeps): void {
  const key = program.command('key').description("manage an instance's ck_ key");
  addConnectionOptions(
    key
      .command('regenerate <processInstanceId>')
      .description('replace the instance key; the old key stops working at once, everywhere'),
  ).action(
    action(deps, async (ctx, _opts, [pid]) => {
      const { body } = await ctx.client.post<{ success: true; apiKey: string }>(
        path`/v1/instances/${pid!}/api-key/regenerate`,
        { auth: 'org' },
      );
      ctx.out.result(body, () =>
        [
          `New instance key for ${pid} (shown only once, store it now):`,
          '',
          `  ${body.apiKey}`,
          '',
          'The previous key no longer authenticates anything.',
        ].join('\n'),
      );
    }),
  );

  const orgKey = program.command('org-key').description('manage organization keys (cko_…)');

  addConnectionOptions(
    orgKey
      .command('create')
      .description('create an org key with the given scopes; prints it once')
      .requiredOption('--name <name>', 'what the key is for')
      .requiredOption('--scope <scope>', `a scope, repeatable or comma-separated: ${ORG_SCOPES.join(', ')}`, scopes)
      .option('--expires-at <iso>', 'the key stops working at this time', isoDate),
  ).action(
    action<CreateOptions>(deps, async (ctx, opts) => {
      const { body } = await ctx.client.post<CreatedOrgKey>('/v1/org-keys', {
        auth: 'org',
        body: { name: opts.name, scopes: opts.scope, ...(opts.expiresAt ? { expiresAt: opts.expiresAt } : {}) },
      });
      ctx.out.result(body, () =>
        [
          `Created org key ${body.keyId} (shown only once, store it now):`,
          '',
          `  ${body.apiKey}`,
          '',
          describeKey(ctx, body.key),
          '',
          'Use it as X-Process-Manager-Key, or: export SLUICE_ORG_KEY=<the key>',
        ].join('\n'),
      );
    }),
  );

  addConnectionOptions(orgKey.command('list').description("list the organization's keys (hints only)")).action(
    action(deps, async (ctx) => {
      const { body } = await ctx.client.get<{ keys: OrgKeyInfo[] }>('/v1/org-keys', { auth: 'org' });
      ctx.out.result(body, () =>
        table(
          ['KEY ID', 'NAME', 'HINT', 'STATE', 'SCOPES', 'CREATED', 'EXPIRES'],
          body.keys.map((k) => [k.keyId, k.name, k.hint, keyState(ctx, k), k.scopes.join(','), k.createdAt, k.expiresAt]),
          'No org keys.',
        ),
      );
    }),
  );

  addConnectionOptions(
    orgKey
      .command('update <keyId>')
      .description("change a key's name, scopes or expiry")
      .option('--name <name>', 'new name')
      .option('--scope <scope>', 'the new scope set (repeatable or comma-separated)', scopes)
      .option('--expires-at <iso>', 'new expiry', isoDate)
      .option('--clear-expiry', 'the key never expires'),
  ).action(
    action<UpdateOptions>(deps, async (ctx, opts, [keyId]) => {
      if (opts.expiresAt !== undefined && opts.clearExpiry) {
        throw new CliError('INVALID_ARGUMENT', 'Use either --expires-at or --clear-expiry.');
      }
      const changes = {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.scope !== undefined ? { scopes: opts.scope } : {}),
        ...(opts.expiresAt !== undefined ? { expiresAt: opts.expiresAt } : {}),
        ...(opts.clearExpiry ? { expiresAt: null } : {}),
      };
      if (Object.keys(changes).length === 0) {
        throw new CliError('INVALID_ARGUMENT', 'Nothing to change: pass --name, --scope, --expires-at or --clear-expiry.');
      }
      const { body } = await ctx.client.patch<{ key: OrgKeyInfo }>(path`/v1/org-keys/${keyId!}`, { auth: 'org', body: changes });
      ctx.out.result(body, () => `Updated org key ${keyId}.\n${describeKey(ctx, body.key)}`);
    }),
  );

  addConnectionOptions(
    orgKey.command('revoke <keyId>').description('revoke an org key; it authenticates nothing from now on'),
  ).action(
    action(deps, async (ctx, _opts, [keyId]) => {
      const { body } = await ctx.client.delete<{ key?: OrgKeyInfo }>(path`/v1/org-keys/${keyId!}`, { auth: 'org' });
      ctx.out.result(body, () => `Revoked org key ${keyId}${body.key?.name ? ` (${body.key.name})` : ''}.`);
    }),
  );
}

function describeKey(ctx: CommandContext, k: OrgKeyInfo): string {
  return fields(
    [
      ['keyId', k.keyId],
      ['name', k.name],
      ['hint', k.hint],
      ['state', keyState(ctx, k)],
      ['scopes', k.scopes.join(', ')],
      ['createdAt', k.createdAt],
      ['expiresAt', k.expiresAt],
      ['revokedAt', k.revokedAt],
    ],
    '  ',
  );
}

function keyState(ctx: CommandContext, k: OrgKeyInfo): string {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && Date.parse(k.expiresAt) <= ctx.now()) return 'expired';
  return 'active';
}
