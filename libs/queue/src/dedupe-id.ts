import { createHash } from 'node:crypto';

/**
 * BullMQ deduplication id for a delivery, scoped to its endpoint. Hashed so that sender ids of
 * any shape (colons, digits only, 10 KB) make a fixed, safe key (STYLE 7).
 */
export function dedupeIdFor(processInstanceId: string, workflowId: string, deliveryId: string): string {
  return createHash('sha256').update(`${processInstanceId}\n${workflowId}\n${deliveryId}`, 'utf8').digest('hex');
}
