/** The Powertools logger, metrics and tracer every handler shares (structured JSON logs, EMF metrics, X-Ray). */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const SERVICE_NAME = 'bc-netsuite-sync';

export const logger = new Logger({ serviceName: SERVICE_NAME });
/** Traces only inside Lambda (outside it, Powertools turns tracing off by itself). */
export const tracer = new Tracer({ serviceName: SERVICE_NAME });
// Metrics' own warnings go through the logger, so they are structured and follow the log level.
export const metrics = new Metrics({ namespace: 'BcNetSuiteSync', serviceName: SERVICE_NAME, logger });

/** Builds a handler's dependencies once per container, on first use, so importing a handler does no I/O. */
export function once<T>(build: () => Promise<T> | T): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= Promise.resolve().then(build);
    value.catch(() => (value = undefined)); // a failed cold start is retried on the next invocation
    return value;
  };
}
