/**
 * Alerts as Slack messages (Block Kit, posted to an incoming webhook whose URL comes from the secret): one
 * per failed order, readable on a phone: the order linked to the store's control panel, the reason in plain
 * words, the attempts, and what to do, including how to redrive it.
 */
import got from 'got';
import { PermanentError, TransientError } from '../../core/errors.ts';
import type { FailedOrdersDigest } from '../../core/announce-dead-letters.ts';
import type { CircuitAlert, CircuitAlerter } from '../../core/circuit.ts';
import type { Alerter, DriftAlert, DriftAlerter, FailedOrderAlert, FulfilmentAlert, FulfilmentAlerter } from '../../core/ports.ts';
import { requestTimeoutMs } from '../../common/deadline.ts';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from '../../common/retry.ts';
import { networkFailure, numericHeader } from '../http/http-failure.ts';

export interface SlackAlerterOptions {
  webhookUrl: string;
  /** Link to the dead-letter queue in the AWS console, where "Start DLQ redrive" is (failed-order alerts only). */
  deadLetterConsoleUrl?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
}

/** Slack mrkdwn treats &, < and > as markup; text from orders must not become links or mentions. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * A mrkdwn text object whose content Slack takes as written: `verbatim` stops it from turning bare URLs, channel
 * names and @mentions in order data into links or notifications (escaping covers `<!channel>`-style markup).
 */
function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** The top-level `text` (notifications, screen readers) is mrkdwn too: escaped like the blocks. */
function notificationText(text: string): string {
  return escapeMrkdwn(text).slice(0, 3000);
}

export function controlPanelOrderUrl(storeHash: string, orderId: number): string {
  return `https://store-${storeHash}.mybigcommerce.com/manage/orders/${orderId}`;
}

function whatToDo(alert: FailedOrderAlert): string {
  if (alert.missingSkus?.length) {
    return 'Create the missing item in NetSuite (or correct the SKU in BigCommerce). The order is parked and syncs by itself after the next SKU refresh; redriving it then is harmless.';
  }
  if (alert.kind === 'change') {
    return alert.errorClass === 'permanent'
      ? 'The sales order exists; this change to it was not applied. Apply it in NetSuite by hand (or undo it in BigCommerce); a redrive does not force it, and the next change to the order is checked afresh.'
      : 'The sales order exists; NetSuite or BigCommerce kept failing while this change was applied. Check their status, then redrive the message.';
  }
  if (alert.errorClass === 'permanent') return 'Fix the cause above, then redrive the message.';
  return 'NetSuite or BigCommerce kept failing for about an hour. Check their status, then redrive the message.';
}

export function slackMessage(alert: FailedOrderAlert, deadLetterConsoleUrl: string | undefined): Record<string, unknown> {
  const title =
    alert.orderId === undefined
      ? 'A sync request could not be processed'
      : alert.kind === 'change'
        ? `Order ${alert.orderId} needs a person in NetSuite`
        : `Order ${alert.orderId} did not reach NetSuite`;
  const order =
    alert.orderId === undefined
      ? '*Unreadable message in the dead-letter queue*'
      : `*<${controlPanelOrderUrl(alert.storeHash, alert.orderId)}|BigCommerce order ${alert.orderId}>*`;
  const fields = [
    ...(alert.attempts !== undefined ? [mrkdwn(`*Attempts*\n${alert.attempts}`)] : []),
    ...(alert.errorClass ? [mrkdwn(`*Failure*\n${escapeMrkdwn(alert.errorClass)}`)] : []),
    mrkdwn(`*Message*\n\`${escapeMrkdwn(alert.messageId)}\``),
  ];
  return {
    // The notification text (phones, screen readers); the blocks are the message itself.
    text: notificationText(`${title}: ${alert.reason}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: mrkdwn(`${order}\n>${escapeMrkdwn(alert.reason).slice(0, 2800)}`) },
      { type: 'section', fields },
      { type: 'context', elements: [mrkdwn(`${whatToDo(alert)} ${redriveHint(deadLetterConsoleUrl)}`)] },
    ],
  };
}

function redriveHint(deadLetterConsoleUrl: string | undefined): string {
  return `To redrive: open the ${deadLetterConsoleUrl ? `<${deadLetterConsoleUrl}|dead-letter queue>` : 'dead-letter queue'} in the SQS console, choose *Start DLQ redrive*, keep *Redrive to source queue(s)*, and start it.`;
}

/** One message for a storm of failed orders: how many, the top reasons with counts, the first orders, the console. */
export function digestMessage(digest: FailedOrdersDigest, deadLetterConsoleUrl: string | undefined): Record<string, unknown> {
  const changes = digest.changes ?? 0;
  const title =
    changes === 0
      ? `${digest.count} orders did not reach NetSuite`
      : changes === digest.count
        ? `${digest.count} orders need a person in NetSuite`
        : `${digest.count} orders need a person: ${digest.count - changes} did not reach NetSuite, ${changes} changes were refused or failed`;
  const reasons = digest.topReasons.map((entry) => `• ${entry.count} × ${escapeMrkdwn(entry.reason).slice(0, 300)}`).join('\n');
  const links = digest.orderIds.map((orderId) => `<${controlPanelOrderUrl(digest.storeHash, orderId)}|${orderId}>`).join(', ');
  const named = digest.orderIds.length + digest.unreadable;
  const more = digest.count > named ? ` and ${digest.count - named} more` : '';
  const unreadable = digest.unreadable > 0 ? `, ${digest.unreadable} unreadable message(s)` : '';
  return {
    text: notificationText(`${title}: ${digest.topReasons.map((entry) => `${entry.reason} (${entry.count})`).join('; ')}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: mrkdwn(`*Top reasons*\n${reasons}`.slice(0, 2900)) },
      { type: 'section', text: mrkdwn(`*Orders*: ${links}${unreadable}${more}`.slice(0, 2900)) },
      {
        type: 'context',
        elements: [
          mrkdwn(
            `One message for all of them, so a storm stays readable. Fix the top reason first (it is often one cause: a credential, an item, a setting), then redrive. ${redriveHint(deadLetterConsoleUrl)}`,
          ),
        ],
      },
    ],
  };
}

/** A drift alert: the order, its sales order, and each differing part with its likely cause. */
export function driftMessage(alert: DriftAlert): Record<string, unknown> {
  const title = `Order ${alert.orderId} is booked in NetSuite with different totals`;
  const parts = alert.drift.map((part) => `• *${part.component}*: ${escapeMrkdwn(part.cause)}`).join('\n');
  return {
    text: notificationText(`${title}: ${alert.drift.map((part) => part.cause).join('; ')}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      {
        type: 'section',
        text: mrkdwn(
          `*<${controlPanelOrderUrl(alert.storeHash, alert.orderId)}|BigCommerce order ${alert.orderId}>* → NetSuite sales order ${escapeMrkdwn(alert.salesOrderId)} (${escapeMrkdwn(alert.currency)})\n${parts}`.slice(
            0,
            2900,
          ),
        ),
      },
      {
        type: 'context',
        elements: [
          mrkdwn(
            'The sales order stays as booked. Correct it in NetSuite (or the setting named above, for the next orders); `npm run reconcile` lists every drift.',
          ),
        ],
      },
    ],
  };
}

/** A circuit opened: what broke, how to fix it, and that orders wait rather than fail. */
export function circuitMessage(alert: CircuitAlert): Record<string, unknown> {
  const api = alert.service === 'bigcommerce' ? 'BigCommerce' : 'NetSuite';
  const title = alert.kind === 'outage' ? `${api} is failing: orders are paused` : `${api} refused our credentials: orders are paused`;
  return {
    text: notificationText(`${title}. ${alert.advice}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      {
        type: 'section',
        text: mrkdwn(`*What happened*\n>${escapeMrkdwn(alert.reason).slice(0, 1000)}\n*What to do*\n${escapeMrkdwn(alert.advice)}`.slice(0, 2900)),
      },
      {
        type: 'context',
        elements: [
          mrkdwn(
            `Since ${new Date(alert.openedAt).toISOString()}. Orders are held, not failed: nothing reaches the dead-letter queue, and a probe (one order, at growing intervals) resumes the sync by itself once ${api} accepts us again. The CircuitOpen alarm says the same.`,
          ),
        ],
      },
    ],
  };
}

const FULFILMENT_TITLES: Record<FulfilmentAlert['kind'], string> = {
  failed: 'did not reach BigCommerce',
  changed_after_shipping: 'changed after it was shipped in BigCommerce',
  deleted_after_shipping: 'was deleted after it was shipped in BigCommerce',
  lines_not_shipped: 'has lines BigCommerce could not ship',
  order_cancelled: 'shipped goods of a cancelled order',
  order_missing: 'belongs to an order BigCommerce no longer has',
};

/** A fulfilment a person must look at: which one, its order, what happened and what to do (in `reason`). */
export function fulfilmentMessage(alert: FulfilmentAlert): Record<string, unknown> {
  const title = `NetSuite fulfilment ${alert.tranId} ${FULFILMENT_TITLES[alert.kind]}`;
  const order = alert.orderId === undefined ? '' : `*<${controlPanelOrderUrl(alert.storeHash, alert.orderId)}|BigCommerce order ${alert.orderId}>* · `;
  return {
    text: notificationText(`${title}: ${alert.reason}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: mrkdwn(`${order}item fulfilment ${escapeMrkdwn(alert.fulfilmentId)}\n>${escapeMrkdwn(alert.reason).slice(0, 2800)}`) },
    ],
  };
}

export class SlackAlerter implements Alerter, DriftAlerter, CircuitAlerter, FulfilmentAlerter {
  private readonly options: SlackAlerterOptions;

  constructor(options: SlackAlerterOptions) {
    this.options = options;
  }

  async send(alert: FailedOrderAlert): Promise<void> {
    await this.post(slackMessage(alert, this.options.deadLetterConsoleUrl));
  }

  async sendDigest(digest: FailedOrdersDigest): Promise<void> {
    await this.post(digestMessage(digest, this.options.deadLetterConsoleUrl));
  }

  async sendCircuit(alert: CircuitAlert): Promise<void> {
    await this.post(circuitMessage(alert));
  }

  async sendDrift(alert: DriftAlert): Promise<void> {
    await this.post(driftMessage(alert));
  }

  async sendFulfilment(alert: FulfilmentAlert): Promise<void> {
    await this.post(fulfilmentMessage(alert));
  }

  private async post(body: Record<string, unknown>): Promise<void> {
    await withRetry(
      async () => {
        let response;
        try {
          response = await got.post(this.options.webhookUrl, {
            json: body,
            throwHttpErrors: false,
            retry: { limit: 0 },
            timeout: { request: requestTimeoutMs(this.options.timeoutMs ?? 10_000, 'Slack webhook') },
            responseType: 'text',
          });
        } catch (error) {
          throw networkFailure(error, 'slack', 'Slack webhook') ?? error;
        }
        const status = response.statusCode;
        if (status === 200) return;
        if (status === 429 || status >= 500) {
          const retryAfter = numericHeader(response.headers, 'retry-after');
          throw new TransientError(`Slack webhook: ${status} ${response.body.slice(0, 100)}`, {
            source: 'slack',
            status,
            ...(retryAfter !== undefined ? { retryAfterMs: retryAfter * 1000 } : {}),
          });
        }
        // invalid_payload, no_service (webhook revoked), channel_is_archived…: a person must fix the webhook.
        throw new PermanentError(`Slack refused the alert: ${status} ${response.body.slice(0, 100)}`, { source: 'slack', status });
      },
      this.options.retry ?? { ...defaultRetryPolicy, attempts: 4 },
    );
  }
}

/** Console page of a queue, from its URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */
export function queueConsoleUrl(queueUrl: string, region: string): string {
  return `https://${region}.console.aws.amazon.com/sqs/v3/home?region=${region}#/queues/${encodeURIComponent(queueUrl)}`;
}
