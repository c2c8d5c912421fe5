import { SYNCED_STATES, type AlertLog, type Alerter, type DeadLetterQueue, type FailedOrderAlert, type OrderLedger } from './ports.ts';
import { createHash } from 'node:crypto';
import { orderKey } from './external-ids.ts';
import { historyEvent } from './order-history.ts';

export interface AnnounceDeps {
  deadLetters: DeadLetterQueue;
  alerts: AlertLog;
  alerter: Alerter;
  ledger: OrderLedger;
  storeHash: string;
  /** Identifies this run in the alert claims. */
  owner: string;
  /** Messages read per run at most (a backlog is covered over several runs). */
  maxMessages?: number;
  /**
   * How long a peek hides what it read, so the next receive returns other messages. Short, because a hidden
   * message is also hidden from the console's redrive.
   */
  peekHideSeconds?: number;
}

export interface AnnounceResult {
  seen: number;
  announced: number;
  /** Dead letters whose order has synced since (e.g. re-enqueued after a SKU refresh): nothing to do. */
  resolved: number;
  failed: number;
}


/** A dead-lettered message is looked at once; its marker lives as long as the DLQ keeps messages. */
const MESSAGE_MARKER_SECONDS = 14 * 24 * 3600;
/** One alert per failed order and reason a day, however many messages (webhook, poller, retries) it left in the DLQ. */
const ORDER_ALERT_SECONDS = 24 * 3600;

/**
 * Announces every failed order in the dead-letter queue that has not been announced yet: one alert per order
 * (duplicate deliveries of the same order dead-letter together), whether it arrived when the alarm went off
 * or while it was already firing (the alarm fires only on its OK → ALARM transition, so a schedule runs this
 * too). It only peeks: messages stay in the queue for the console's redrive. A failed alert is released and
 * retried by the next run, which then fails loudly.
 */
export async function announceDeadLetters(deps: AnnounceDeps): Promise<AnnounceResult> {
  const result: AnnounceResult = { seen: 0, announced: 0, resolved: 0, failed: 0 };
  if ((await deps.deadLetters.depth()) === 0) return result;
  const limit = deps.maxMessages ?? 200;
  const seen = new Set<string>();
  let lastError: unknown;
  while (seen.size < limit) {
    const batch = (await deps.deadLetters.peek(10, deps.peekHideSeconds ?? 5)).filter((message) => !seen.has(message.messageId));
    if (batch.length === 0) break;
    for (const message of batch) {
      seen.add(message.messageId);
      const messageKey = `message#${message.messageId}`;
      if (!(await deps.alerts.claim(messageKey, deps.owner, MESSAGE_MARKER_SECONDS))) continue;
      let orderAlertKey: string | undefined;
      try {
        const alert = await describe(message, deps);
        if (!alert) {
          result.resolved += 1;
        } else {
          orderAlertKey = alert.orderId === undefined ? undefined : `order#${alert.orderId}#${hash(alert.reason)}`;
          const events = [historyEvent('notifier', 'dead_lettered', `after ${alert.attempts ?? '?'} attempt(s): ${alert.reason}`, { messageId: message.messageId })];
          if (!orderAlertKey || (await deps.alerts.claim(orderAlertKey, deps.owner, ORDER_ALERT_SECONDS))) {
            await deps.alerter.send(alert);
            if (orderAlertKey) await deps.alerts.markSent(orderAlertKey);
            result.announced += 1;
            events.push(historyEvent('notifier', 'alerted', 'Slack message sent'));
          }
          // Its own small update: the notifier is not on the worker's path. The mark lets the next attempt say "redriven".
          if (alert.orderId !== undefined) await deps.ledger.append(orderKey(deps.storeHash, alert.orderId), events, { deadLettered: true });
        }
        await deps.alerts.markSent(messageKey);
      } catch (error) {
        if (orderAlertKey) await deps.alerts.release(orderAlertKey, deps.owner);
        await deps.alerts.release(messageKey, deps.owner);
        result.failed += 1;
        lastError = error;
      }
    }
  }
  result.seen = seen.size;
  if (lastError) throw new Error(`${result.failed} dead-letter alert(s) could not be sent; they will be retried`, { cause: lastError });
  return result;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
/** The alert for one dead letter, or undefined when its order has been synced since. */
async function describe(message: { messageId: string; body: string }, deps: AnnounceDeps): Promise<FailedOrderAlert | undefined> {
  let orderId: number | undefined;
  try {
    const parsed = JSON.parse(message.body) as { orderId?: unknown };
    if (typeof parsed.orderId === 'number') orderId = parsed.orderId;
  } catch {
    // Unreadable: announced as such, with the body, so a person can look.
  }
  if (orderId === undefined) {
    return { messageId: message.messageId, storeHash: deps.storeHash, reason: `a message that is not an order request: ${message.body.slice(0, 300)}` };
  }
  const entry = await deps.ledger.get(orderKey(deps.storeHash, orderId));
  if (entry && SYNCED_STATES.has(entry.state)) return undefined;
  return {
    messageId: message.messageId,
    storeHash: deps.storeHash,
    orderId,
    reason: entry?.lastErrorMessage ?? 'no attempt was recorded (the worker may have crashed or timed out)',
    ...(entry?.lastErrorClass ? { errorClass: entry.lastErrorClass } : {}),
    ...(entry ? { attempts: entry.attempts } : {}),
    ...(entry?.missingSkus ? { missingSkus: entry.missingSkus } : {}),
  };
}
