import { z } from 'zod';

/** The JSON body a GCP Pub/Sub push subscription POSTs. */
const envelopeSchema = z.object({
  message: z.object({
    data: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
    messageId: z.string().min(1).max(256).optional(),
    message_id: z.string().min(1).max(256).optional(),
    publishTime: z.string().optional(),
    orderingKey: z.string().optional(),
  }),
  subscription: z.string().optional(),
  deliveryAttempt: z.number().int().optional(),
});

export interface PubSubPush {
  messageId: string;
  /** The decoded data: JSON when it parses, else text (base64 when not UTF-8). */
  data: unknown;
  attributes: Record<string, string>;
  publishTime?: string;
  subscription?: string;
  deliveryAttempt?: number;
  orderingKey?: string;
}

/** Parses a push envelope; undefined when the body is not one. */
export function parsePubSubPush(raw: Buffer): PubSubPush | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { message, subscription, deliveryAttempt } = parsed.data;
  const messageId = message.messageId ?? message.message_id;
  if (!messageId) return undefined;
  return {
    messageId,
    data: decodeData(message.data),
    attributes: message.attributes ?? {},
    ...(message.publishTime ? { publishTime: message.publishTime } : {}),
    ...(subscription ? { subscription } : {}),
    ...(deliveryAttempt !== undefined ? { deliveryAttempt } : {}),
    ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
  };
}

function decodeData(data: string | undefined): unknown {
  if (!data) return null;
  const bytes = Buffer.from(data, 'base64');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return { base64: data };
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The run payload of a push: the decoded data with the message's metadata beside it. */
export function pubSubPayload(push: PubSubPush): Record<string, unknown> {
  return {
    data: push.data,
    attributes: push.attributes,
    messageId: push.messageId,
    ...(push.publishTime ? { publishTime: push.publishTime } : {}),
    ...(push.subscription ? { subscription: push.subscription } : {}),
    ...(push.deliveryAttempt !== undefined ? { deliveryAttempt: push.deliveryAttempt } : {}),
    ...(push.orderingKey ? { orderingKey: push.orderingKey } : {}),
  };
}
