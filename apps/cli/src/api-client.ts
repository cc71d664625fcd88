/**
 * A small typed client for the Sluice HTTP API over an injected `fetch`. Every failure, from
 * the server (`{success:false, error, code, requestId}`) or from the network, becomes a
 * `CliError` whose `code: message` is what the CLI prints. Keys travel in headers only and are
 * never part of an error message.
 */

/** The one error type the CLI renders: `code: message` on stderr, exit code 1. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: { status?: number; requestId?: string; retryAfterSec?: number } = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Which credential a call needs: the org key, or the instance key (org key as fallback). */
export type Auth = 'org' | 'instance';

export interface ApiClientOptions {
  baseUrl: string;
  fetch: FetchLike;
  orgKey?: string;
  apiKey?: string;
  timeoutMs?: number;
}

export interface RequestOptions {
  auth: Auth;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Builds a path whose interpolated segments are URL-encoded: path`/v1/instances/${pid}`. */
export function path(strings: TemplateStringsArray, ...segments: string[]): string {
  return strings.reduce((out, part, i) => out + part + (i < segments.length ? encodeURIComponent(segments[i]!) : ''), '');
}

export class ApiClient {
  readonly baseUrl: string;

  constructor(private readonly options: ApiClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
  }

  get<T>(route: string, options: Omit<RequestOptions, 'body'>): Promise<ApiResponse<T>> {
    return this.request<T>('GET', route, options);
  }

  post<T>(route: string, options: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('POST', route, options);
  }

  put<T>(route: string, options: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', route, options);
  }

  patch<T>(route: string, options: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', route, options);
  }

  delete<T>(route: string, options: Omit<RequestOptions, 'body'>): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', route, options);
  }

  async request<T>(method: string, route: string, options: RequestOptions): Promise<ApiResponse<T>> {
    const url = new URL(this.baseUrl + route);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Accept: 'application/json', ...this.authHeaders(options.auth) };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, options.headers);

    let response: Response;
    try {
      response = await this.options.fetch(url.toString(), {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (err) {
      throw networkError(err, this.baseUrl);
    }
    return parseResponse<T>(response, method, route);
  }

  private authHeaders(auth: Auth): Record<string, string> {
    const { orgKey, apiKey } = this.options;
    if (auth === 'instance') {
      if (apiKey) return { 'X-API-Key': apiKey };
      // An org key with workflows:trigger may trigger and poll too (DESIGN §3).
      if (orgKey) return { 'X-Process-Manager-Key': orgKey };
      throw new CliError('MISSING_API_KEY', 'Pass --api-key or set SLUICE_API_KEY (an org key via --org-key also works).');
    }
    if (orgKey) return { 'X-Process-Manager-Key': orgKey };
    throw new CliError('MISSING_ORG_KEY', 'Pass --org-key or set SLUICE_ORG_KEY.');
  }
}

function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError('INVALID_URL', `Not an absolute URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('INVALID_URL', `The Sluice URL must be http(s): ${raw}`);
  }
  return url.toString().replace(/\/+$/, '');
}

async function parseResponse<T>(response: Response, method: string, route: string): Promise<ApiResponse<T>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  if (!response.ok || record?.success === false) {
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new CliError(
      typeof record?.code === 'string' ? record.code : `HTTP_${response.status}`,
      typeof record?.error === 'string' ? record.error : `${method} ${route} answered ${response.status} ${response.statusText}`.trim(),
      {
        status: response.status,
        ...(typeof record?.requestId === 'string' ? { requestId: record.requestId } : {}),
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSec: retryAfter } : {}),
      },
    );
  }
  if (!record) {
    throw new CliError('INVALID_RESPONSE', `${method} ${route} answered ${response.status} without a JSON body.`, {
      status: response.status,
    });
  }
  return { status: response.status, body: record as T };
}

function networkError(err: unknown, baseUrl: string): CliError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new CliError('REQUEST_TIMEOUT', `${baseUrl} did not answer in time.`);
  }
  const reason = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
  return new CliError('CONNECTION_FAILED', `Cannot reach ${baseUrl} (${reason}).`);
}
