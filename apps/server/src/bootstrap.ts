import { setTimeout as sleep } from 'node:timers/promises';
import { ORG_SCOPES } from '@sluice/auth';
import type { Logger } from '@sluice/observability';
import type { Registry } from '@sluice/registry';

/** How long a process that lost the bootstrap claim waits for the winner's org to appear. */
const CLAIM_WAIT_MS = 5000;
const CLAIM_POLL_MS = 50;

export interface FirstOrg {
  created: boolean;
  organizationId?: string;
  /** The generated key, to be shown once (firstOrgKeyBanner) when no key was configured. */
  generatedKey?: string;
}

/**
 * On an empty store, creates the first org with an all-scopes key: the configured
 * SLUICE_BOOTSTRAP_ORG_KEY, or a generated one for the caller to show once on the terminal
 * (never in the log stream). Runs before the server listens, so a client that sees the server up
 * can use the key at once; a process that lost the claim to another waits, bounded, for its org.
 */
export async function bootstrapFirstOrg(options: {
  registry: Registry;
  configuredKey: string | undefined;
  /** False where stdout is a log stream (production without a terminal): no key is generated there. */
  mayPrintKey: boolean;
  logger: Logger;
}): Promise<FirstOrg> {
  const { registry, configuredKey, logger } = options;
  if (!configuredKey && !options.mayPrintKey) {
    if ((await registry.orgs.countOrgs()) === 0) {
      logger.warn('No organization exists. Set SLUICE_BOOTSTRAP_ORG_KEY, or run `sluice bootstrap`, to create the first one.');
    }
    return { created: false };
  }
  if (!(await registry.orgs.claimBootstrap())) {
    await waitForFirstOrg(registry, logger);
    return { created: false };
  }
  const org = await registry.orgs.createOrg('default');
  const { key } = await registry.orgs.createOrgKey(
    org.organizationId,
    { name: 'bootstrap', scopes: ORG_SCOPES },
    ...(configuredKey ? [configuredKey] : []),
  );
  logger.info({ organizationId: org.organizationId }, 'created the first organization');
  if (configuredKey) {
    logger.info('seeded the first organization with SLUICE_BOOTSTRAP_ORG_KEY');
    return { created: true, organizationId: org.organizationId };
  }
  return { created: true, organizationId: org.organizationId, generatedKey: key };
}

/** Another process holds the claim: its org usually lands within milliseconds. */
async function waitForFirstOrg(registry: Registry, logger: Logger): Promise<void> {
  const deadline = Date.now() + CLAIM_WAIT_MS;
  while ((await registry.orgs.countOrgs()) === 0) {
    if (Date.now() >= deadline) {
      logger.warn('another process claimed the first-org bootstrap but no organization appeared yet; starting anyway');
      return;
    }
    await sleep(CLAIM_POLL_MS);
  }
}

/** What the terminal shows once after a generated first org key. */
export function firstOrgKeyBanner(key: string, baseUrl: string): string {
  return [
    '',
    '  Sluice created your first organization. Its org key (shown once, keep it safe):',
    '',
    `    ${key}`,
    '',
    '  Create an instance whose workflow posts to your target:',
    '',
    `    curl -s -X POST ${baseUrl}/v1/instances \\`,
    `      -H 'X-Process-Manager-Key: ${key}' -H 'Content-Type: application/json' \\`,
    `      -d '{"name":"demo","workflows":[{"workflowId":"hello","target":{"url":"https://example.com/hook"}}]}'`,
    '',
    '',
  ].join('\n');
}
