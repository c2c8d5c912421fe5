/**
 * How the deployment's NetSuite concurrency budget is shared out.
 *
 * The worker processes the records of a batch concurrently, and the NetSuite client in each process keeps at
 * most NETSUITE_CONCURRENCY requests in flight. Lambda runs one invocation per process, and the SQS event
 * source runs at most `maxConcurrency` worker invocations at once, so the worker fleet never has more than
 *
 *     maxConcurrency × NETSUITE_CONCURRENCY
 *
 * NetSuite requests in flight. The nightly SKU refresh, the 15-minute reconciler and the 5-minute fulfilment poller run
 * beside the workers, each one process with its own budget (the reconciler and the fulfilment poller send one request
 * at a time), so:
 *
 *     maxConcurrency × workerConcurrency + skuRefreshConcurrency + reconcilerConcurrency + fulfilmentPollerConcurrency ≤ budget
 *
 * SQS event sources accept maxConcurrency 2 to 1000. Two processes with more requests each beat more
 * processes with fewer: a batch of ten orders finishes sooner (the worker's 60 s timeout covers the whole
 * batch) and fewer Lambdas wait on NetSuite. A process cannot use more than one request per record of its
 * batch, so above that the budget buys more processes instead.
 */
export interface NetSuiteConcurrencyPlan {
  /** The worker event source's ScalingConfig.MaximumConcurrency. */
  workerMaxConcurrency: number;
  /** NETSUITE_CONCURRENCY of each worker process. */
  workerConcurrency: number;
  /** NETSUITE_CONCURRENCY of the SKU refresh (one process). */
  skuRefreshConcurrency: number;
  /** NETSUITE_CONCURRENCY of the reconciler (one process, one query at a time). */
  reconcilerConcurrency: number;
  /** NETSUITE_CONCURRENCY of the fulfilment poller (one process, one request at a time). */
  fulfilmentPollerConcurrency: number;
  /** The most requests the deployment can have in flight: never more than the budget. */
  peakInFlight: number;
}

/** The SQS event source's lower bound for maxConcurrency. */
export const MIN_EVENT_SOURCE_CONCURRENCY = 2;

export function planNetSuiteConcurrency(budget: number, batchSize: number): NetSuiteConcurrencyPlan {
  const skuRefreshConcurrency = 1;
  const reconcilerConcurrency = 1;
  const fulfilmentPollerConcurrency = 1;
  const forWorkers = budget - skuRefreshConcurrency - reconcilerConcurrency - fulfilmentPollerConcurrency;
  if (!Number.isInteger(budget) || forWorkers < MIN_EVENT_SOURCE_CONCURRENCY) {
    throw new RangeError(
      `a NetSuite concurrency budget of ${budget} is too small: the worker needs at least ${MIN_EVENT_SOURCE_CONCURRENCY}, the SKU refresh 1, the reconciler 1 and the fulfilment poller 1`,
    );
  }
  const workerConcurrency = Math.min(batchSize, Math.floor(forWorkers / MIN_EVENT_SOURCE_CONCURRENCY));
  const workerMaxConcurrency = Math.min(1000, Math.floor(forWorkers / workerConcurrency));
  return {
    workerMaxConcurrency,
    workerConcurrency,
    skuRefreshConcurrency,
    reconcilerConcurrency,
    fulfilmentPollerConcurrency,
    peakInFlight: workerMaxConcurrency * workerConcurrency + skuRefreshConcurrency + reconcilerConcurrency + fulfilmentPollerConcurrency,
  };
}
