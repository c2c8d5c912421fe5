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
  /** More new failed orders than this in one sweep are announced as one digest instead of one message each. */
  digestThreshold?: number;
  /** Milliseconds this run may still use; reading stops below `stopBeforeMs`, leaving time to post. */
  timeLeftMs?: () => number;
  stopBeforeMs?: number;
}

export interface AnnounceResult {
  seen: number;
  /** Failed orders announced (one by one, or in the digest). */
  announced: number;
  /** Slack messages posted: one per order, or one digest. */
  messages: number;
  digest: boolean;
  /** Dead letters whose order has synced since (e.g. re-enqueued after a SKU refresh): nothing to do. */
  resolved: number;
  failed: number;
}

/** A dead-lettered message is looked at once; its marker lives as long as the DLQ keeps messages. */
const MESSAGE_MARKER_SECONDS = 14 * 24 * 3600;
/** One alert per failed order and reason a day, however many messages (webhook, poller, retries) it left in the DLQ. */
const ORDER_ALERT_SECONDS = 24 * 3600;
export const DEFAULT_DIGEST_THRESHOLD = 5;

/** A failed order this run claimed the right to announce, with the claims to confirm or give back. */
interface Claimed {
  alert: FailedOrderAlert;
  keys: string[];
}

/**
 * Announces every failed order in the dead-letter queue that has not been announced yet: one alert per order
 * (duplicate deliveries of the same order dead-letter together), whether it arrived when the alarm went off
 * or while it was already firing (the alarm fires only on its OK → ALARM transition, so a schedule runs this
 * too). A storm (more than `digestThreshold` new failed orders in one sweep) becomes one digest: a thousand
 * failures are one message, not a thousand. It only peeks: messages stay in the queue for the console's
 * redrive. A failed alert is released and retried by the next run, which then fails loudly.
 */
export async function announceDeadLetters(deps: AnnounceDeps): Promise<AnnounceResult> {
  const result: AnnounceResult = { seen: 0, announced: 0, messages: 0, digest: false, resolved: 0, failed: 0 };
  if ((await deps.deadLetters.depth()) === 0) return result;
  const limit = deps.maxMessages ?? 200;
  const seen = new Set<string>();
  const claimed: Claimed[] = [];
  const outOfTime = () => deps.timeLeftMs !== undefined && deps.timeLeftMs() < (deps.stopBeforeMs ?? 0);
  while (seen.size < limit && !outOfTime()) {
    const batch = (await deps.deadLetters.peek(10, deps.peekHideSeconds ?? 5)).filter((message) => !seen.has(message.messageId));
    if (batch.length === 0) break;
    for (const message of batch) seen.add(message.messageId);
    // The messages of one peek are looked up together: the sweep's time goes to Slack, not to round trips.
    const outcomes = await Promise.all(batch.map((message) => claim(message, deps)));
    for (const outcome of outcomes) {
      if (outcome === 'resolved') result.resolved += 1;
      else if (outcome !== 'already') claimed.push(outcome);
    }
  }
  result.seen = seen.size;
  if (claimed.length === 0) return result;

  let lastError: unknown;
  const alerted = new Map<Claimed, string>();
  if (claimed.length > (deps.digestThreshold ?? DEFAULT_DIGEST_THRESHOLD)) {
    result.digest = true;
    try {
      await deps.alerter.sendDigest(
        digestOf(
          claimed.map((entry) => entry.alert),
          deps.storeHash,
        ),
      );
      result.messages = 1;
      result.announced = claimed.length;
      for (const entry of claimed) alerted.set(entry, `in a Slack digest of ${claimed.length} failed orders`);
      await Promise.all(claimed.flatMap((entry) => entry.keys.map((key) => deps.alerts.markSent(key))));
    } catch (error) {
      await Promise.all(claimed.flatMap((entry) => entry.keys.map((key) => deps.alerts.release(key, deps.owner))));
      result.failed = claimed.length;
      lastError = error;
    }
  } else {
    // At most `digestThreshold` messages: within the short burst Slack's incoming webhooks allow.
    await Promise.all(
      claimed.map(async (entry) => {
        try {
          await deps.alerter.send(entry.alert);
          result.messages += 1;
          result.announced += 1;
          alerted.set(entry, 'Slack message sent');
          for (const key of entry.keys) await deps.alerts.markSent(key);
        } catch (error) {
          for (const key of entry.keys) await deps.alerts.release(key, deps.owner);
          result.failed += 1;
          lastError = error;
        }
      }),
    );
  }
  await recordHistory(claimed, alerted, deps);
  if (lastError) throw new Error(`${result.failed} dead-letter alert(s) could not be sent; they will be retried`, { cause: lastError });
  return result;
}

/**
 * Each claimed order's history: dead-lettered, and alerted when its message (or the digest) went out. Their own
 * small updates: the notifier is not on the worker's path. The mark lets the next attempt say "redriven".
 */
async function recordHistory(claimed: Claimed[], alerted: Map<Claimed, string>, deps: AnnounceDeps): Promise<void> {
  await Promise.all(
    claimed.map(async (entry) => {
      const { alert } = entry;
      if (alert.orderId === undefined) return;
      const events = [historyEvent('notifier', 'dead_lettered', `after ${alert.attempts ?? '?'} attempt(s): ${alert.reason}`, { messageId: alert.messageId })];
      const how = alerted.get(entry);
      if (how) events.push(historyEvent('notifier', 'alerted', how));
      await deps.ledger.append(orderKey(deps.storeHash, alert.orderId), events, { deadLettered: true });
    }),
  );
}

/** Claims one dead letter (and its order) for this run: what to announce, or why there is nothing to. */
async function claim(message: { messageId: string; body: string }, deps: AnnounceDeps): Promise<Claimed | 'resolved' | 'already'> {
  const messageKey = `message#${message.messageId}`;
  if (!(await deps.alerts.claim(messageKey, deps.owner, MESSAGE_MARKER_SECONDS))) return 'already';
  try {
    const alert = await describe(message, deps);
    if (!alert) {
      await deps.alerts.markSent(messageKey);
      return 'resolved';
    }
    const orderAlertKey = alert.orderId === undefined ? undefined : `order#${alert.orderId}#${hash(alert.reason)}`;
    if (orderAlertKey && !(await deps.alerts.claim(orderAlertKey, deps.owner, ORDER_ALERT_SECONDS))) {
      // Another delivery of the same order, already announced (or being announced).
      await deps.alerts.markSent(messageKey);
      return 'already';
    }
    return { alert, keys: orderAlertKey ? [orderAlertKey, messageKey] : [messageKey] };
  } catch (error) {
    await deps.alerts.release(messageKey, deps.owner);
    throw error;
  }
}

/** How many orders the digest names, and how many reasons it lists. */
const DIGEST_ORDERS = 20;
const DIGEST_REASONS = 5;

export interface FailedOrdersDigest {
  storeHash: string;
  count: number;
  /** The most frequent reasons first. */
  topReasons: Array<{ reason: string; count: number }>;
  /** The first order ids (of `count`). */
  orderIds: number[];
  /** Dead letters that are not order requests at all. */
  unreadable: number;
  /** Of `count`: changes to synced orders that were refused or failed (the rest did not reach NetSuite). */
  changes?: number;
}

export function digestOf(alerts: FailedOrderAlert[], storeHash: string): FailedOrdersDigest {
  const reasons = new Map<string, number>();
  for (const alert of alerts) reasons.set(alert.reason, (reasons.get(alert.reason) ?? 0) + 1);
  const orderIds = alerts.flatMap((alert) => (alert.orderId === undefined ? [] : [alert.orderId])).sort((a, b) => a - b);
  return {
    storeHash,
    count: alerts.length,
    topReasons: [...reasons]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
      .slice(0, DIGEST_REASONS),
    orderIds: orderIds.slice(0, DIGEST_ORDERS),
    unreadable: alerts.length - orderIds.length,
    changes: alerts.filter((alert) => alert.kind === 'change').length,
  };
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
  if (entry && SYNCED_STATES.has(entry.state)) {
    // Synced, so the dead letter is about a later change: refused (by this very message), or failing.
    const refused = entry.snapshot?.refused;
    // A refused refund or payment is remembered on its own ledger row, by the message that announced it.
    const refusedMoney = [...Object.values(entry.refunds ?? {}), ...Object.values(entry.deposits ?? {})].find(
      (record) => record.refused?.messageId === message.messageId,
    )?.refused;
    const problem =
      refused && (refused.messageId === undefined || refused.messageId === message.messageId)
        ? { reason: refused.reason, errorClass: 'permanent' }
        : refusedMoney
          ? { reason: refusedMoney.reason, errorClass: 'permanent' }
          : entry.changeFailure
            ? { reason: entry.changeFailure.message, errorClass: entry.changeFailure.errorClass }
            : entry.changeAttempt?.messageId === message.messageId
              ? {
                  // This message's own attempt claimed the change and never finished: its worker died or timed out.
                  reason: `a change to the synced order did not finish (the worker died or timed out during it, at ${entry.changeAttempt.at}); NetSuite may hold part of it`,
                  errorClass: 'transient',
                }
              : undefined;
    // Nothing refused, failing or unfinished: the message ran out of receives waiting for the order's change lease.
    // Whoever held it applied the order's state as read after it claimed; ten receives span minutes, and a live
    // holder finishes within one pass (a dead one's lease runs out), so a holder that read the order after this
    // event applied it.
    if (!problem) return undefined;
    return { messageId: message.messageId, storeHash: deps.storeHash, orderId, kind: 'change', ...problem };
  }
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
