import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { ORG_SCOPES } from '@sluice/auth';
import { createRequestConnection, waitForReady } from '@sluice/redis';
import { OrgStore, RegistryKeys } from '@sluice/registry';
import { CliError } from './api-client';
import { type CliDeps, action, addConnectionOptions } from './context';
import { fields } from './output';

interface BootstrapOptions {
  name: string;
  redisUrl?: string;
}

const REDIS_TIMEOUT_MS = 5000;
const PREFIX_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * `sluice bootstrap`: creates the first organization and an all-scopes org key directly in
 * Redis (the API needs an org key, so the first one cannot come from the API). The key is
 * printed once. Refuses when an organization exists (or another bootstrap holds the claim).
 */
export function registerBootstrapCommand(program: Command, deps: CliDeps): void {
  addConnectionOptions(
    program
      .command('bootstrap')
      .description('create the first organization in Redis and print its org key once')
      .option('--name <org>', 'organization name', 'default')
      .option('--redis-url <url>', "Sluice's Redis (env REDIS_URL; required)"),
  ).action(
    action<BootstrapOptions>(deps, async (ctx, opts) => {
      const redisUrl = opts.redisUrl ?? nonEmpty(deps.env.REDIS_URL);
      if (!redisUrl) throw new CliError('MISSING_REDIS_URL', "Pass --redis-url or set REDIS_URL to Sluice's Redis.");
      if (!/^rediss?:\/\//.test(redisUrl)) {
        throw new CliError('INVALID_REDIS_URL', 'The Redis URL must start with redis:// or rediss://.');
      }
      const prefix = nonEmpty(deps.env.SLUICE_REDIS_PREFIX) ?? 'sluice';
      if (!PREFIX_PATTERN.test(prefix)) {
        throw new CliError('INVALID_REDIS_PREFIX', 'SLUICE_REDIS_PREFIX may hold letters, digits, _ . - (at most 64).');
      }

      const redis = createRequestConnection(redisUrl, REDIS_TIMEOUT_MS, 'sluice-cli');
      // Errors surface through the awaited commands; an unhandled 'error' event would crash.
      redis.on('error', () => undefined);
      try {
        await waitForReady(redis, REDIS_TIMEOUT_MS).catch(() => {
          throw new CliError('REDIS_UNAVAILABLE', `Cannot reach Redis at ${safeRedisUrl(redisUrl)}.`);
        });
        const orgs = new OrgStore(redis, new RegistryKeys(prefix));
        if (!(await orgs.claimBootstrap())) {
          throw new CliError(
            'ALREADY_BOOTSTRAPPED',
            `An organization already exists under prefix "${prefix}" (or another bootstrap is running); nothing was created.`,
          );
        }
        const org = await orgs.createOrg(opts.name);
        const { record, key } = await orgs.createOrgKey(org.organizationId, { name: 'bootstrap', scopes: [...ORG_SCOPES] });
        ctx.out.result(
          { success: true, organizationId: org.organizationId, name: org.name, keyId: record.keyId, apiKey: key, key: record },
          () =>
            [
              `Created organization ${org.name} (${org.organizationId}).`,
              '',
              'Its org key, with every scope (shown only once, store it now):',
              '',
              `  ${key}`,
              '',
              fields([['keyId', record.keyId], ['scopes', record.scopes.join(', ')]], '  '),
              '',
              'Try it:',
              `  curl -s ${ctx.baseUrl}/v1/instances -H 'X-Process-Manager-Key: ${key}'`,
              '',
              'Or with this CLI:',
              `  export SLUICE_ORG_KEY='${key}'`,
              '  sluice instance create --name demo --workflow hello=https://example.com/hook',
            ].join('\n'),
        );
      } finally {
        await closeQuietly(redis);
      }
    }),
  );
}

async function closeQuietly(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The Redis URL without its password, for messages. */
function safeRedisUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'the given URL';
  }
}
