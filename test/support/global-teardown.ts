export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __sluiceTestRedis?: { stop(): Promise<void> } }).__sluiceTestRedis?.stop();
}
