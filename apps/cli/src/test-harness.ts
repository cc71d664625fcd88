/**
 * For the *.spec.ts files only: runs the CLI in-process with a fake fetch that records every
 * request and answers from a list of canned replies, a virtual clock and captured output.
 */
import { runCli } from './program';

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. /v1/instances?limit=5 */
  path: string;
  url: URL;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when none was sent. */
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
  /** A raw text body instead of JSON (proxies, HTML error pages). */
  text?: string;
  headers?: Record<string, string>;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  requests: RecordedRequest[];
  /** Every sleep the poll loop asked for, in ms. */
  sleeps: number[];
}

export interface HarnessOptions {
  env?: Record<string, string | undefined>;
  /** Answers in order, or a function of the request. */
  replies?: Reply[] | ((req: RecordedRequest) => Reply);
}

export const ORG_KEY = 'cko_test-org-key-0123456789';
export const API_KEY = 'ck_test-instance-key-0123456789';

export async function runSluice(argv: string[], options: HarnessOptions = {}): Promise<RunResult> {
  const requests: RecordedRequest[] = [];
  const sleeps: number[] = [];
  let stdout = '';
  let stderr = '';
  let clock = 1_700_000_000_000;
  const queue = Array.isArray(options.replies) ? [...options.replies] : undefined;

  const fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const headers = Object.fromEntries(
      Object.entries((init.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const req: RecordedRequest = {
      method: init.method ?? 'GET',
      path: url.pathname + url.search,
      url,
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    requests.push(req);
    const reply = typeof options.replies === 'function' ? options.replies(req) : queue?.shift();
    if (!reply) throw new Error(`test harness: no reply left for ${req.method} ${req.path}`);
    return new Response(reply.text ?? JSON.stringify(reply.body ?? { success: true }), {
      status: reply.status ?? 200,
      headers: { 'content-type': reply.text !== undefined ? 'text/html' : 'application/json', ...reply.headers },
    });
  };

  const code = await runCli(argv, {
    env: options.env ?? {},
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  });
  return { code, stdout, stderr, requests, sleeps };
}

/** The JSON error body every Sluice error has (DESIGN §2). */
export function apiError(status: number, code: string, error: string, requestId = 'req_test'): Reply {
  return { status, body: { success: false, error, code, requestId } };
}
