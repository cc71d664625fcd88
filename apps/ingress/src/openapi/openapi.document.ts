import type { OpenApiDocument } from './openapi.types';
import { adminPaths } from './paths-admin';
import { publicPaths } from './paths-public';
import { headers, parameters } from './responses';
import { coreSchemas } from './schemas';
import { registrySchemas } from './schemas-registry';

/** The version of the API described here (info.version): bump it with every change to the routes or shapes. */
export const API_VERSION = '0.1.0';

const DESCRIPTION = `Sluice authenticates webhook deliveries, dedupes them on the sender's delivery id, stores them
durably in Redis, answers at once with an \`executionId\`, and dispatches a workflow run to the workflow's
target. Callers poll the run's status.

The public API (\`/webhook/…\`, \`/status/…\` and their aliases) is wire-compatible with the Codika public API.
The admin API (\`/v1/…\`) takes organization keys (\`cko_…\`) in \`X-Process-Manager-Key\`, each limited to
its scopes.

**Errors** are always JSON: \`{"success":false,"error":"…","code":"…","requestId":"…"}\`, with a stable \`code\`
(see docs/errors.md). \`429\` and \`503\` carry \`Retry-After\`. A path or method that does not exist is
\`404 ROUTE_NOT_FOUND\`. Every answer carries \`X-Request-Id\`.

Clients should ignore response fields they do not know: fields are added, never renamed.`;

/**
 * The OpenAPI 3.1 description of every route createApp registers, served at GET /openapi.json.
 * test/e2e/openapi.test.ts fails when a route and this document disagree.
 */
export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
  info: {
    title: 'Sluice',
    version: API_VERSION,
    summary: 'Self-hostable webhook ingestion: authenticate, dedupe, queue, dispatch, poll.',
    description: DESCRIPTION,
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [{ url: '/', description: 'The Sluice instance serving this document' }],
  tags: [
    { name: 'Trigger', description: 'Senders deliver events (DESIGN §2–4).' },
    { name: 'Status', description: 'Callers poll runs.' },
    { name: 'Callbacks', description: 'Callback-mode workflows report their result.' },
    { name: 'Instances', description: 'Process instances and their instance keys.' },
    { name: 'Workflows', description: "An instance's workflows and their targets." },
    { name: 'Signing secrets', description: 'Per-workflow secrets that authenticate signed deliveries.' },
    { name: 'Executions', description: 'Run history and replay.' },
    { name: 'Org keys', description: 'Organization keys for the admin API.' },
    { name: 'Ops', description: 'Probes, metrics, this document, the queue dashboard.' },
  ],
  paths: { ...publicPaths, ...adminPaths },
  components: {
    schemas: { ...coreSchemas, ...registrySchemas },
    parameters,
    headers,
    securitySchemes: {
      InstanceKey: {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'Instance key (`ck_…`): trigger and status of its own instance only; another instance is 403.',
      },
      OrgKey: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Process-Manager-Key',
        description:
          'Organization key (`cko_…`): any instance of its organization, within its scopes (`workflows:trigger`, ' +
          '`executions:read`, `instances:read`, `instances:manage`, `api-keys:manage`). Missing scope is 403; ' +
          'expired or revoked is 401.',
      },
      InstanceKeyQuery: {
        type: 'apiKey',
        in: 'query',
        name: 'api_key',
        description: 'Instance key in the URL, for senders that cannot set headers. An org key here is refused (400).',
      },
      PubSubOidc: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: "GCP Pub/Sub push: Google's OIDC token, checked against the workflow's gcp-pubsub-oidc signing secrets.",
      },
      DashboardBasic: {
        type: 'http',
        scheme: 'basic',
        description: 'The queue dashboard only: the configured SLUICE_DASHBOARD_USER/PASSWORD, or any user with an org key as password.',
      },
    },
  },
};
