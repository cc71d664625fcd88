import { type Command, Option } from 'commander';
import { CliError, path } from './api-client';
import type { SigningSecretInfo } from './api-types';
import { type CliDeps, action, addConnectionOptions, isoDate, readTextFile } from './context';
import { fields, table } from './output';

interface AddOptions {
  secret?: string;
  secretFile?: string;
  label?: string;
  scheme?: string;
  expiresAt?: string;
}

interface AddGcpOptions {
  audience: string;
  serviceAccount: string;
  label?: string;
  expiresAt?: string;
}

const HMAC_SCHEMES = ['standard-webhooks', 'stripe', 'github'] as const;

const secretsPath = (pid: string, wid: string) => path`/v1/instances/${pid}/workflows/${wid}/signing-secrets`;

/**
 * `sluice secret …`: the signing secrets senders sign with, per workflow endpoint. The secret is
 * sent once and never printed: not on success, not in --json output, not inside an error.
 */
export function registerSecretCommands(program: Command, deps: CliDeps): void {
  const secret = program.command('secret').description("manage a workflow's signing secrets (sender signatures)");

  addConnectionOptions(
    secret
      .command('add <processInstanceId> <workflowId>')
      .description('add an HMAC secret (whsec_…), an ed25519 public key (whpk_…) or a GitHub secret')
      .option('--secret <secret>', 'the secret itself (prefer --secret-file: arguments land in shell history)')
      .option('--secret-file <file>', 'read the secret from a file (surrounding whitespace is ignored)')
      .option('--label <label>', 'a name to tell secrets apart (e.g. the sender)')
      .addOption(new Option('--scheme <scheme>', 'signature scheme; the server defaults to standard-webhooks').choices(HMAC_SCHEMES))
      .option('--expires-at <iso>', 'stop accepting this secret after this time (for rotation)', isoDate),
  ).action(
    action<AddOptions>(deps, async (ctx, opts, [pid, wid]) => {
      const value = secretValue(opts);
      try {
        const { body } = await ctx.client.post<SigningSecretInfo>(secretsPath(pid!, wid!), {
          auth: 'org',
          body: {
            secret: value,
            ...(opts.label !== undefined ? { label: opts.label } : {}),
            ...(opts.scheme !== undefined ? { scheme: opts.scheme } : {}),
            ...(opts.expiresAt !== undefined ? { expiresAt: opts.expiresAt } : {}),
          },
        });
        const shown = scrub(body, value);
        ctx.out.result(shown, () => `Added signing secret to ${pid}/${wid}.\n${describeSecret(shown)}`);
      } catch (err) {
        throw scrub(err, value);
      }
    }),
  );

  addConnectionOptions(
    secret
      .command('add-gcp <processInstanceId> <workflowId>')
      .description('accept Google Pub/Sub push requests signed with an OIDC token')
      .requiredOption('--audience <audience>', "the push subscription's audience")
      .requiredOption('--service-account <email>', "the push subscription's service account email")
      .option('--label <label>', 'a name to tell secrets apart')
      .option('--expires-at <iso>', 'stop accepting after this time', isoDate),
  ).action(
    action<AddGcpOptions>(deps, async (ctx, opts, [pid, wid]) => {
      const { body } = await ctx.client.post<SigningSecretInfo>(secretsPath(pid!, wid!), {
        auth: 'org',
        body: {
          scheme: 'gcp-pubsub-oidc',
          audience: opts.audience,
          serviceAccountEmail: opts.serviceAccount,
          ...(opts.label !== undefined ? { label: opts.label } : {}),
          ...(opts.expiresAt !== undefined ? { expiresAt: opts.expiresAt } : {}),
        },
      });
      ctx.out.result(body, () => `Added Pub/Sub OIDC verification to ${pid}/${wid}.\n${describeSecret(body)}`);
    }),
  );

  addConnectionOptions(
    secret.command('list <processInstanceId> <workflowId>').description("list a workflow's signing secrets (never their values)"),
  ).action(
    action(deps, async (ctx, _opts, [pid, wid]) => {
      const { body } = await ctx.client.get<{ secrets: SigningSecretInfo[] }>(secretsPath(pid!, wid!), { auth: 'org' });
      ctx.out.result(body, () =>
        table(
          ['SECRET', 'LABEL', 'SCHEME', 'CREATED', 'EXPIRES', 'DETAILS'],
          body.secrets.map((s) => [s.secretId, s.label, s.scheme, s.createdAt, s.expiresAt, gcpDetails(s)]),
          `No signing secrets on ${pid}/${wid}: signed requests are refused (401 SIGNATURE_NO_SECRET).`,
        ),
      );
    }),
  );

  addConnectionOptions(
    secret.command('remove <processInstanceId> <workflowId> <secretId>').description('stop accepting a signing secret'),
  ).action(
    action(deps, async (ctx, _opts, [pid, wid, sid]) => {
      const { body } = await ctx.client.delete(
        path`/v1/instances/${pid!}/workflows/${wid!}/signing-secrets/${sid!}`,
        { auth: 'org' },
      );
      ctx.out.result(body, () => `Removed signing secret ${sid} from ${pid}/${wid}.`);
    }),
  );
}

function secretValue(opts: AddOptions): string {
  if ((opts.secret === undefined) === (opts.secretFile === undefined)) {
    throw new CliError('INVALID_ARGUMENT', 'Pass exactly one of --secret or --secret-file.');
  }
  const value = (opts.secret ?? readTextFile(opts.secretFile!)).trim();
  if (value === '') throw new CliError('INVALID_ARGUMENT', 'The secret is empty.');
  return value;
}

function describeSecret(s: SigningSecretInfo): string {
  return fields(
    [
      ['secretId', s.secretId],
      ['label', s.label],
      ['scheme', s.scheme],
      ['audience', s.audience],
      ['serviceAccountEmail', s.serviceAccountEmail],
      ['createdAt', s.createdAt],
      ['expiresAt', s.expiresAt],
    ],
    '  ',
  );
}

function gcpDetails(s: SigningSecretInfo): string | undefined {
  return s.audience || s.serviceAccountEmail ? `aud=${s.audience ?? ''} email=${s.serviceAccountEmail ?? ''}` : undefined;
}

/**
 * Replaces the secret wherever it appears: the server never returns it, but an error message or
 * a proxy page echoing the request must not put it on a terminal or in a CI log either.
 */
function scrub<T>(value: T, secret: string): T {
  const hide = (text: string, token = secret) => text.split(token).join('[redacted]');
  if (value instanceof CliError) return new CliError(value.code, hide(value.message), value.details) as T;
  if (value instanceof Error) return new Error(hide(value.message)) as T;
  // In JSON text the secret appears escaped (quotes, backslashes, control characters).
  return JSON.parse(hide(JSON.stringify(value), JSON.stringify(secret).slice(1, -1))) as T;
}
