/**
 * Standard Webhooks signatures (standardwebhooks.com), which BigCommerce's newer docs show for verifying callbacks.
 * Whether REST-registered hooks carry them is UNCONFIRMED, so the simulator signs only when given a secret.
 */
import { createHmac } from 'node:crypto';

/** The HMAC key: a `whsec_` secret is base64 after the prefix; any other secret is used as its UTF-8 bytes. */
export function signingKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`. */
export function signatureOf(key: Buffer, webhookId: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three headers of a signed delivery; the timestamp (unix seconds) is the send time, so it changes per attempt. */
export function signedHeaders(key: Buffer, webhookId: string, timestamp: number, body: string): Record<string, string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureOf(key, webhookId, timestamp, body),
  };
}
