import { ORG_SCOPES } from '@sluice/auth';
import type { Logger } from '@sluice/observability';
import type { Registry } from '@sluice/registry';

/**
 * On an empty store, creates the first org with an all-scopes key: the configured
 * SLUICE_BOOTSTRAP_ORG_KEY, or a generated one printed once to the terminal (never to the
 * log stream). Returns the printed key, for tests.
 */
export async function bootstrapFirstOrg(options: {
  registry: Registry;
  configuredKey: string | undefined;
  /** False where stdout is a log stream (production without a terminal): no key is printed there. */
  mayPrintKey: boolean;
  baseUrl: string;
  logger: Logger;
  print: (text: string) => void;
}): Promise<{ created: boolean; organizationId?: string }> {
  const { registry, configuredKey, logger } = options;
  if (!configuredKey && !options.mayPrintKey) {
    if ((await registry.orgs.countOrgs()) === 0) {
      logger.warn('No organization exists. Set SLUICE_BOOTSTRAP_ORG_KEY, or run `sluice bootstrap`, to create the first one.');
    }
    return { created: false };
  }
  if (!(await registry.orgs.claimBootstrap())) return { created: false };
  const org = await registry.orgs.createOrg('default');
  const { key } = await registry.orgs.createOrgKey(
    org.organizationId,
    { name: 'bootstrap', scopes: ORG_SCOPES },
    ...(configuredKey ? [configuredKey] : []),
  );
  logger.info({ organizationId: org.organizationId }, 'created the first organization');
  if (!configuredKey) {
    options.print(
      [
        '',
        '  Sluice created your first organization. Its org key (shown once, keep it safe):',
        '',
        `    ${key}`,
        '',
        '  Create an instance whose workflow posts to your target:',
        '',
        `    curl -s -X POST ${options.baseUrl}/v1/instances \\`,
        `      -H 'X-Process-Manager-Key: ${key}' -H 'Content-Type: application/json' \\`,
        `      -d '{"name":"demo","workflows":[{"workflowId":"hello","target":{"url":"https://example.com/hook"}}]}'`,
        '',
        '',
      ].join('\n'),
    );
  } else {
    logger.info('seeded the first organization with SLUICE_BOOTSTRAP_ORG_KEY');
  }
  return { created: true, organizationId: org.organizationId };
}
