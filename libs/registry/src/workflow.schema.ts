import { z } from 'zod';
import type { Workflow } from './types';

/** Ids travel in URL paths and Redis keys: a safe, bounded alphabet, never a colon. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const headerName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
// Headers Sluice sets itself on every dispatch; a workflow must not override them.
const RESERVED_HEADERS = new Set([
  'host', 'content-length', 'content-type', 'idempotency-key', 'traceparent',
  'webhook-id', 'webhook-timestamp', 'webhook-signature', 'transfer-encoding', 'connection',
]);

export const workflowSchema = z.object({
  workflowId: z.string().regex(ID_PATTERN, 'workflowId: 1-128 chars of A-Z a-z 0-9 _ . -'),
  target: z.object({
    url: z
      .string()
      .max(2048)
      .refine((u) => {
        try {
          const { protocol } = new URL(u);
          return protocol === 'http:' || protocol === 'https:';
        } catch {
          return false;
        }
      }, 'target.url must be an absolute http(s) URL'),
    headers: z
      .record(z.string().regex(headerName, 'invalid header name'), z.string().max(8192))
      .refine((h) => Object.keys(h).length <= 50, 'at most 50 target headers')
      .refine(
        (h) => Object.keys(h).every((name) => !RESERVED_HEADERS.has(name.toLowerCase())),
        `target.headers may not set ${[...RESERVED_HEADERS].join(', ')}`,
      )
      .optional(),
    timeoutMs: z.number().int().min(100).max(15 * 60_000).optional(),
    maxConcurrency: z.number().int().min(1).max(10_000).optional(),
  }),
  resultMode: z.enum(['response', 'callback']).default('response'),
  inputSchema: z.record(z.string(), z.unknown()).optional(),
});

export type WorkflowInput = z.input<typeof workflowSchema>;

export function parseWorkflow(input: unknown): { ok: true; workflow: Workflow } | { ok: false; problems: string[] } {
  const result = workflowSchema.safeParse(input);
  if (result.success) return { ok: true, workflow: result.data as Workflow };
  return {
    ok: false,
    problems: result.error.issues.map((i) => `${i.path.join('.') || 'workflow'}: ${i.message}`),
  };
}
