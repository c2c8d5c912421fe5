/**
 * The orders queue and its dead-letter queue, defined once for the CDK stack and the local runtime, so the
 * numbers that matter (visibility timeout against the worker timeout, receive count before dead-lettering,
 * retention) are the same on a laptop and in AWS.
 */
/**
 * Long enough for a batch at NetSuite's pace: record creates take 4–7 s, a new shopper costs three requests,
 * and each worker process keeps only a couple of requests in flight.
 */
export const WORKER_TIMEOUT_SECONDS = 120;

export const ordersQueue = {
  id: 'orders',
  /** At least six times the worker timeout, as Lambda's SQS guidance asks. */
  visibilityTimeoutSeconds: 6 * WORKER_TIMEOUT_SECONDS,
  /**
   * Receives before SQS moves a message to the dead-letter queue (Lambda's guidance: at least 5). With the
   * worker's backoff between receives, ten span about an hour for transient failures.
   */
  maxReceiveCount: 10,
  retentionSeconds: 4 * 24 * 3600,
  /** Records per worker invocation: five new shoppers at 3 × 7 s over 2 concurrent requests fit the timeout twice. */
  batchSize: 5,
} as const;

export const deadLetterQueue = {
  id: 'orders-dlq',
  /** Longer than the source's: SQS keeps the original enqueue time when it dead-letters a message. */
  retentionSeconds: 14 * 24 * 3600,
} as const;
