/** Rendering: the raw JSON response with --json, aligned human text otherwise. */

export interface TextSink {
  write(text: string): unknown;
}

export class Output {
  constructor(
    private readonly stdout: TextSink,
    readonly json: boolean,
  ) {}

  /** Prints `body` as JSON under --json, else the human rendering. */
  result(body: unknown, human: () => string): void {
    this.stdout.write(this.json ? `${JSON.stringify(body, null, 2)}\n` : ensureNewline(human()));
  }

  /** Human-only text (hints, notes); silent under --json so stdout stays one JSON document. */
  note(text: string): void {
    if (!this.json) this.stdout.write(ensureNewline(text));
  }
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** `label: value` lines with the values aligned; undefined values are left out. */
export function fields(pairs: ReadonlyArray<readonly [string, string | number | boolean | undefined]>, indent = ''): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== '');
  const width = Math.max(0, ...shown.map(([k]) => k.length + 1));
  return shown.map(([k, v]) => `${indent}${`${k}:`.padEnd(width)}  ${String(v)}`).join('\n');
}

/** A plain-text table; `empty` is printed instead when there are no rows. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | undefined>>, empty: string): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((r) => headers.map((_, i) => (r[i] === undefined ? '' : String(r[i]))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** Indented pretty JSON for nested values (resultData, inputSchema). */
export function indentedJson(value: unknown, indent = '  '): string {
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((l) => indent + l)
    .join('\n');
}
