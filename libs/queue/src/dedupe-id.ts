import { hash } from 'node:crypto';

/**
 * BullMQ deduplication id for a delivery, scoped to its endpoint. Hashed so that sender ids of
 * any shape (colons, digits only, 10 KB) make a fixed, safe key (STYLE 7).
 */
export function dedupeIdFor(processInstanceId: string, workflowId: string, deliveryId: string): string {
  // Length-prefixed so no two (pid, wid, id) triples hash the same input.
  const scoped = `${processInstanceId.length}:${processInstanceId}|${workflowId.length}:${workflowId}|${deliveryId}`;
  // One-shot hash (Node ≥ 20.12): no Hash object per event.
  return hash('sha256', scoped, 'hex');
}
