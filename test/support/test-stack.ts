/**
 * The local stack as the integration and browser tests start it: on the suite's shared DynamoDB Local, with the
 * production retry schedule's shape capped at one second per wait (production waits up to minutes), and a simulated
 * API rate limit generous enough that only tests about 429s meet it. Anything given overrides these.
 */
import { defaultRetrySchedule } from '../../functions/core/retry-schedule.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/runtime/local-stack.ts';

export function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT!,
    retrySchedule: { delaySeconds: (error, receiveCount) => Math.min(1, defaultRetrySchedule.delaySeconds(error, receiveCount)) },
    ...options,
    simulator: { rateLimit: { quota: 5000, windowMs: 1000 }, ...options.simulator },
  });
}
