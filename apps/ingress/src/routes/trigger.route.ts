import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '@sluice/auth';
import { generateId, pooledRandomBytes } from '@sluice/auth';
import { ApiError } from '@sluice/errors';
import {
  type DispatchJob,
  type ParsedJson,
  type RunSource,
  derivePayload,
  encodeReceivedBody,
  enqueueRun,
  parseJsonBody,
  parsePubSubPush,
} from '@sluice/queue';
import { type Logger, contextFromHeaders, redactUrl, startSpan, traceparentOf } from '@sluice/observability';
import { type BoundRead, type EndpointCache, ID_PATTERN, uncachedEndpoints } from '@sluice/registry';
import { detectScheme } from '@sluice/signatures';
import { type RequestHead, authenticateKeyForInstance, keyCredential, missingCredentials, singleHeader } from '../authenticate';
import type { IngressDeps } from '../deps';
import { errorBody, toApiError } from '../error-middleware';
import type { InputValidator } from '../input-validator';
import { readRawBody } from '../raw-body';
import { runPolicy } from '../run-policy';
import { withRedisDeadline } from '../redis-unavailable';
import { googleKeys, hasSenderSignature, verifySender } from '../sender-auth';
import { TriggerMetrics } from '../trigger-metrics';

const MAX_DELIVERY_ID_LENGTH = 256;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trigger route and its Codika aliases (case-sensitive, optional trailing slash, as Express). */
const TRIGGER_ROOTS = ['webhook', 'triggerwebhookpublic', 'triggerWebhookPublic'];
export const TRIGGER_PATHS = TRIGGER_ROOTS.map((root) => `/${root}/:pid/:wid`);
const TRIGGER_URL = new RegExp(`^/(${TRIGGER_ROOTS.join('|')})/([^/?#]+)/([^/?#]+)/?(?:\\?.*)?$`);

export interface TriggerMatch {
  /** The route pattern (a metric label: never the path itself). */
  route: string;
  pid: string;
  wid: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfterSec?: number;
}

/**
 * POST /webhook/{pid}/{wid}: authenticate, validate, dedupe+enqueue, answer with the executionId.
 *
 * This one route runs on node:http directly, not through Express (issue 5): it is the path every
 * event takes, and Express's router, body parser and response helpers cost more than the rest of
 * the work. It answers exactly as the Express routes do: same error bodies and codes (through
 * toApiError), X-Request-Id, body limit and content encodings, metrics and request logs.
 */
export class TriggerRoute {
  private readonly keys;
  private readonly policy;
  private readonly endpoints: Pick<EndpointCache, 'get'>;
  private readonly metrics: TriggerMetrics;
  /** The deadline for the Redis read of an endpoint-cache miss (a hit touches no Redis). */
  private readonly boundRead: BoundRead;

  constructor(
    private readonly deps: IngressDeps,
    private readonly validator: InputValidator,
  ) {
    this.keys = googleKeys(deps.config.googleJwksUrl);
    this.policy = runPolicy(deps.config);
    this.metrics = new TriggerMetrics(deps.metrics);
    this.endpoints = deps.endpoints ?? uncachedEndpoints(deps.registry);
    this.boundRead = (read) => withRedisDeadline(read, deps.config.redisTimeoutMs);
  }

  match(req: IncomingMessage): TriggerMatch | undefined {
    if (req.method !== 'POST') return undefined;
    const m = TRIGGER_URL.exec(originForm(req.url ?? ''));
    if (!m) return undefined;
    try {
      return { route: `/${m[1]}/:pid/:wid`, pid: decodeURIComponent(m[2]!), wid: decodeURIComponent(m[3]!) };
    } catch {
      return { route: `/${m[1]}/:pid/:wid`, pid: '', wid: '' };
    }
  }

  handle(req: IncomingMessage, res: ServerResponse, match: TriggerMatch): void {
    const { deps } = this;
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    let child: Logger | undefined;
    const log = () => (child ??= deps.logger.child({ requestId }));
    const outcome = { method: 'none' };
    // One trace from the sender's request through the queue to the dispatch (issue 6).
    const span = startSpan('sluice.ingest', 'server', contextFromHeaders(req.headers), { 'http.route': '/webhook/{pid}/{wid}' });

    readRawBody(req, deps.config.bodyLimitBytes)
      .then((rawBody) => this.accept(req, rawBody, match, span, log, outcome))
      .catch((err: unknown): Answer => {
        const error = toApiError(err, log(), 'POST');
        // A refused trigger counts as an ingest outcome named by its code.
        this.metrics.ingest(outcome.method, error.code);
        return { status: error.status, body: errorBody(error, requestId), ...(error.retryAfterSec !== undefined ? { retryAfterSec: error.retryAfterSec } : {}) };
      })
      .then((answer) => {
        const json = JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(json),
          'x-request-id': requestId,
          ...(answer.retryAfterSec !== undefined ? { 'retry-after': String(answer.retryAfterSec) } : {}),
        });
        res.end(json);
        span.setAttribute('http.response.status_code', answer.status);
        span.end();
        this.metrics.answered(match.route, answer.status);
        // Accepted events are counted in metrics; one log line each would cost more than the
        // work itself at full rate, so they are logged at debug, refusals at info, 5xx at error.
        const level = answer.status >= 500 ? 'error' : answer.status >= 400 ? 'info' : 'debug';
        if (deps.logger.isLevelEnabled(level)) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          log()[level]({ method: 'POST', url: redactUrl(req.url ?? ''), status: answer.status, ms: Math.round(ms * 10) / 10 }, 'request');
        }
      })
      .catch((err: unknown) => log().error({ err }, 'could not answer a trigger'));
  }

  private async accept(
    req: RequestHead,
    rawBody: Buffer,
    { pid, wid }: TriggerMatch,
    span: ReturnType<typeof startSpan>,
    log: () => Logger,
    outcome: { method: string },
  ): Promise<Answer> {
    const { deps } = this;
    if (!ID_PATTERN.test(pid)) throw new ApiError('INSTANCE_NOT_FOUND', 'Unknown process instance.');
    if (!ID_PATTERN.test(wid)) throw new ApiError('WORKFLOW_NOT_FOUND', 'Unknown workflow.');

    // Signature headers, when present, decide alone (DESIGN §3); otherwise the first key credential.
    const scheme = detectScheme(req.headers);
    const signed = hasSenderSignature(req, scheme);
    const credential = signed ? undefined : keyCredential(req);
    outcome.method = signed ? 'signature' : (credential?.method ?? 'none');
    if (!signed && !credential) throw missingCredentials();

    // Usually from memory (see EndpointCache): the enqueue is then the one round trip.
    const { instance, workflow, material } = await this.endpoints.get(pid, wid, this.boundRead);
    if (!instance) throw new ApiError('INSTANCE_NOT_FOUND', 'Unknown process instance.');

    // The body is decoded and parsed at most once, by whichever step needs it first.
    let text: string | undefined;
    const utf8Text = () => (text ??= rawBody.toString('utf8'));
    let parsed: ParsedJson | undefined;
    const json = () => (parsed ??= parseJsonBody(utf8Text()));
    let principal: Principal;
    let deliveryId: string | undefined;
    let source: RunSource;
    if (signed) {
      if (!workflow) throw new ApiError('WORKFLOW_NOT_FOUND', 'Unknown workflow.');
      const verifyStarted = process.hrtime.bigint();
      const verified = await verifySender(deps, this.keys, { instance, workflow, material }, scheme, { head: req, rawBody, json }, log).finally(() =>
        this.metrics.verified(scheme ?? 'gcp-pubsub-oidc', Number(process.hrtime.bigint() - verifyStarted) / 1e9),
      );
      principal = verified.principal;
      deliveryId = verified.deliveryId;
      source = verified.source;
    } else {
      principal = await authenticateKeyForInstance(deps.registry, credential!, instance, 'workflows:trigger', deps.orgKeys);
      if (!workflow) throw new ApiError('WORKFLOW_NOT_FOUND', 'Unknown workflow.');
      // A Pub/Sub push authenticated by ?api_key= dedupes on its messageId.
      const push = credential!.method === 'api_key_query' ? parsePubSubPush(rawBody) : undefined;
      deliveryId = singleHeader(req, 'idempotency-key') ?? push?.messageId;
      source = {
        method: principal.method,
        ...(push ? { provider: 'gcp-pubsub' } : {}),
        ...(deliveryId ? { deliveryId } : {}),
      };
    }
    if (!instance.active) throw new ApiError('INSTANCE_PAUSED', 'This process instance is paused.');
    if (deliveryId !== undefined && deliveryId.length > MAX_DELIVERY_ID_LENGTH) {
      throw new ApiError('INVALID_REQUEST', `The delivery id is longer than ${MAX_DELIVERY_ID_LENGTH} characters.`);
    }

    const body = encodeReceivedBody(rawBody, contentTypeOf(req, rawBody, json), utf8Text);
    const payload = derivePayload(body, source.provider, json);
    if (!payload.ok) throw new ApiError('INVALID_JSON', 'The request body is not valid JSON.');
    if (workflow.inputSchema) {
      const details = this.validator.validate(workflow.inputSchema, payload.payload);
      if (details.length > 0) {
        throw new ApiError('VALIDATION_ERROR', "The payload does not match the workflow's inputSchema.", {
          type: 'validation_error',
          details,
        });
      }
    }

    const incomingTrace = singleHeader(req, 'traceparent');
    const job: DispatchJob = {
      schemaVersion: 1,
      executionId: generateId('exec'),
      processInstanceId: pid,
      workflowId: wid,
      organizationId: instance.organizationId,
      receivedAt: (deps.now?.() ?? new Date()).toISOString(),
      source,
      body,
      traceparent: traceparentOf(span) ?? (incomingTrace && TRACEPARENT.test(incomingTrace) ? incomingTrace : newTraceparent()),
    };
    const result = await withRedisDeadline(
      enqueueRun(deps.queue, job, deliveryId !== undefined ? { ...this.policy, deliveryId } : this.policy),
      deps.config.redisTimeoutMs,
    );
    this.metrics.ingest(principal.method, result.duplicate ? 'duplicate' : 'accepted');
    if (result.duplicate) {
      return {
        status: 200,
        body: { success: true, executionId: result.executionId, message: 'Duplicate delivery: execution already started', duplicate: true },
      };
    }
    return { status: 202, body: { success: true, executionId: result.executionId, message: 'Execution started' } };
  }
}

/** The path and query of a request target; an absolute-form target (some proxies send one) too. */
function originForm(target: string): string {
  if (target.startsWith('/')) return target;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return target;
  }
}

/** The declared content type; a body without one that parses as JSON is taken as JSON. */
function contentTypeOf(req: RequestHead, rawBody: Buffer, json: () => ParsedJson): string | undefined {
  const declared = req.headers['content-type'];
  if (declared) return declared;
  const first = rawBody[0];
  // '{' or '['
  if ((first === 0x7b || first === 0x5b) && json().ok) return 'application/json';
  return undefined;
}

function newTraceparent(): string {
  const ids = pooledRandomBytes(24).toString('hex');
  return `00-${ids.slice(0, 32)}-${ids.slice(32)}-01`;
}
