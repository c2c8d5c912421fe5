/**
 * What arrives at the webhook: BigCommerce's callback envelope, authenticated by the shared secret it echoes
 * in a custom header (registered with the hook) and, when configured, by a Standard Webhooks signature.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

/**
 * Every scope that can change what NetSuite should hold for an order: each one enqueues the order, and the
 * worker brings NetSuite to the order's current state (refunds and payments included). Refund and transaction
 * callbacks: lifecycle.md §1.4.
 */
export const ORDER_SCOPES = [
  'store/order/created',
  'store/order/updated',
  'store/order/statusUpdated',
  'store/order/refund/created',
  'store/order/transaction/created',
] as const;

const TRANSACTION_SCOPES: ReadonlySet<string> = new Set(['store/order/transaction/created']);

const envelope = z.object({
  scope: z.string().min(1).max(200),
  store_id: z.union([z.string(), z.number()]).optional(),
  producer: z.string().max(200).optional(),
  hash: z.string().optional(),
  created_at: z.number().optional(),
  data: z.looseObject({}),
});

// The docs show `order_id` as a number, the callback schema as a string (bigcommerce.md §10): both are taken.
const transactionData = z.looseObject({
  order_id: z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]),
});

const orderData = z.looseObject({
  id: z.number().int().positive(),
  // store/order/statusUpdated carries the new status; the other order scopes carry none.
  status: z.looseObject({ new_status_id: z.number().int().min(0) }).optional(),
});

export type WebhookEvent =
  { kind: 'order'; scope: string; orderId: number; statusId?: number; producer?: string } | { kind: 'other'; scope: string; producer?: string };

export class WebhookRejection extends Error {
  readonly statusCode: 400 | 401;

  constructor(statusCode: 400 | 401, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

/** Constant-time comparison that does not leak the secret's length either. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Throws WebhookRejection(401) unless the request carries our secret (and a valid signature when required). */
export function authenticateWebhook(
  headers: Record<string, string | undefined>,
  body: string,
  options: { secret: string; secretHeader: string; signingSecret?: string; nowSeconds?: number },
): void {
  const given = headers[options.secretHeader];
  if (!given || !sameSecret(given, options.secret)) throw new WebhookRejection(401, `missing or wrong ${options.secretHeader} header`);
  if (options.signingSecret) verifySignature(headers, body, options.signingSecret, options.nowSeconds ?? Math.floor(Date.now() / 1000));
}

/** Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`, timestamp within 5 minutes. */
function verifySignature(headers: Record<string, string | undefined>, body: string, signingSecret: string, nowSeconds: number): void {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) throw new WebhookRejection(401, 'missing webhook signature headers');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300)
    throw new WebhookRejection(401, 'webhook timestamp outside the 5-minute window');
  const key = signingSecret.startsWith('whsec_') ? Buffer.from(signingSecret.slice(6), 'base64') : Buffer.from(signingSecret);
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  const valid = signatures.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) throw new WebhookRejection(401, 'webhook signature does not match');
}

/** Parses the callback body; throws WebhookRejection(400) for anything that is not a well-formed callback. */
export function parseWebhookEvent(body: string): WebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new WebhookRejection(400, 'body is not valid JSON');
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) throw new WebhookRejection(400, `not a BigCommerce webhook: ${issues(parsed.error)}`);
  const { scope, producer, data } = parsed.data;
  if (!(ORDER_SCOPES as readonly string[]).includes(scope)) return { kind: 'other', scope, ...(producer ? { producer } : {}) };
  if (TRANSACTION_SCOPES.has(scope)) {
    const transaction = transactionData.safeParse(data);
    if (!transaction.success) throw new WebhookRejection(400, `${scope} without a numeric data.order_id: ${issues(transaction.error)}`);
    return { kind: 'order', scope, orderId: transaction.data.order_id, ...(producer ? { producer } : {}) };
  }
  const order = orderData.safeParse(data);
  if (!order.success) throw new WebhookRejection(400, `${scope} without a numeric data.id: ${issues(order.error)}`);
  const statusId = order.data.status?.new_status_id;
  return { kind: 'order', scope, orderId: order.data.id, ...(statusId !== undefined ? { statusId } : {}), ...(producer ? { producer } : {}) };
}

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
}
