// Probe: the least an ingress can do for the same guarantee (node:http, node:crypto HMAC,
// Queue.add with deduplication on an auto-pipelined connection). Not a baseline of the bench.
import { createHmac, timingSafeEqual, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const key = Buffer.from(process.env.BENCH_SECRET.slice(6), 'base64');
const redis = new Redis(process.env.REDIS_URL, { enableAutoPipelining: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
const queue = new Queue('tuned', { connection: redis, prefix: 'tuned' });
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const id = req.headers['webhook-id'];
    const ts = req.headers['webhook-timestamp'];
    const expected = createHmac('sha256', key).update(`${id}.${ts}.`).update(body).digest();
    const given = Buffer.from(String(req.headers['webhook-signature']).slice(3), 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) { res.writeHead(401).end(); return; }
    const jobId = randomUUID();
    const job = await queue.add('run', { body: body.toString('utf8'), id }, { jobId, deduplication: { id, ttl: 259200000 }, removeOnComplete: { age: 604800 } });
    const json = JSON.stringify({ success: true, executionId: job.id, message: 'Execution started' });
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write(`LISTENING ${server.address().port}\n`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
