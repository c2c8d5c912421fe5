/** The queue's message contract, validated at both ends: producers build it, the worker parses it. */
import * as z from 'zod';
import { PermanentError } from '../core/errors.ts';
import type { OrderMessage } from '../core/ports.ts';

export const orderMessageSchema = z.object({
  storeHash: z.string().min(1),
  orderId: z.number().int().positive(),
  source: z.enum(['webhook', 'poller', 'backfill', 'sku-refresh', 'circuit', 'console']),
  receivedAt: z.string(),
  statusId: z.number().int().min(0).optional(),
});

export function parseOrderMessage(body: string): OrderMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PermanentError(`queue message is not JSON: ${body.slice(0, 200)}`);
  }
  const result = orderMessageSchema.safeParse(json);
  if (!result.success)
    throw new PermanentError(
      `queue message is not an order message: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  return result.data;
}
