// Summarises a V8 .cpuprofile (node --cpu-prof): self time by source package and by function,
// mapped through dist/server.js.map so bundled frames name their original file.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [top=25] [requests]: with the number of
// requests the profile served, each line also shows µs per request.
import { readFileSync } from 'node:fs';

const [file, topArg, requestsArg] = process.argv.slice(2);
const requests = Number(requestsArg ?? 0);
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const mapFile = new URL('../dist/server.js.map', import.meta.url);
let sourceOf = () => undefined;
try {
  const { SourceMap } = await import('node:module');
  const map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
  sourceOf = (line, column) => map.findEntry(line, column)?.originalSource;
} catch {
  /* no map: bundled frames stay as dist/server.js */
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function origin(frame) {
  const { url, lineNumber, columnNumber, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url;
  const source = url.endsWith('dist/server.js') ? sourceOf(lineNumber, columnNumber) : url;
  if (!source) return url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
  return pkg ?? source.replace(/^.*?\/(apps|libs)\//, '$1/');
}

const byOrigin = new Map();
const byFunction = new Map();
for (const [id, us] of selfUs) {
  const frame = byId.get(id).callFrame;
  const where = origin(frame);
  byOrigin.set(where, (byOrigin.get(where) ?? 0) + us);
  const fn = `${frame.functionName || '(anonymous)'}  ${where}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%${requests ? `  ${(us / requests).toFixed(1).padStart(6)} µs/req` : ''}`;
const print = (title, entries) => {
  console.log(`\n${title}`);
  for (const [name, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${name}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
print('self time by origin', byOrigin);
print('self time by function', byFunction);
