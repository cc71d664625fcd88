import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ERROR_CATALOGUE } from './catalogue';

// docs/errors.md is what users read; this keeps it and the code in step.
function documentedCodes(): Map<string, number> {
  const doc = readFileSync(resolve(__dirname, '../../../docs/errors.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const line of doc.split('\n')) {
    const match = /^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/.exec(line);
    if (match?.[1] && match[2]) rows.set(match[1], Number(match[2]));
  }
  return rows;
}

describe('error catalogue', () => {
  it('documents every code with its status, and nothing else', () => {
    const documented = documentedCodes();
    const inCode = new Map(Object.entries(ERROR_CATALOGUE).map(([code, e]) => [code, e.status]));
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(inCode));
  });

  it('uses only client statuses for client errors and opaque statuses otherwise', () => {
    for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
      expect([400, 401, 403, 404, 409, 412, 413, 415, 429, 500, 503]).toContain(status);
      if (code === 'INTERNAL_ERROR') expect(status).toBe(500);
    }
  });
});
