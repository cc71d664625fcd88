// Baseline (b): the pipeline most people would write, plainly — Express, svix verify,
// ioredis SET NX EX for dedupe, then BullMQ Queue.add. Same work as Sluice's trigger path.
import express from 'express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Webhook } from 'svix';

const secret = process.env.BENCH_SECRET;
const redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 });
const queue = new Queue('naive', { connection: redis, prefix: 'naive' });
const webhook = new Webhook(secret);

const app = express();
app.post('/webhook/:pid/:wid', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
  try {
    webhook.verify(req.body, req.headers);
  } catch {
    return res.status(401).json({ success: false });
  }
  const id = req.headers['webhook-id'];
  const fresh = await redis.set(`naive:dedupe:${req.params.pid}:${req.params.wid}:${id}`, '1', 'EX', 259200, 'NX');
  if (!fresh) return res.status(200).json({ success: true, duplicate: true });
  const job = await queue.add('run', { body: req.body.toString('utf8'), headers: { id } });
  res.status(202).json({ success: true, executionId: job.id, message: 'Execution started' });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
