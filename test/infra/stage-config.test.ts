/** The deployment settings read from CDK context, and how the NetSuite concurrency budget is shared out. */
import { ordersQueue } from '../../functions/adapters/sqs/queue-definitions.ts';
import { planNetSuiteConcurrency } from '../../lib/netsuite-concurrency.ts';
import { missingRequiredSettings, parseStageConfig, stageConfigSchema } from '../../lib/stage-config.ts';
import { cdkJson } from './synth.ts';

describe('stage config', () => {
  test('cdk.json runs the app on Node directly and documents every setting with its default', () => {
    expect(cdkJson.app).toBe('node bin/app.ts');
    for (const key of Object.keys(stageConfigSchema.shape)) expect(cdkJson.context).toHaveProperty(key);
    const config = parseStageConfig(cdkJson.context);
    expect(config).toMatchObject({
      stackName: 'BcNetSuiteSync',
      netsuiteAuth: 'oauth2',
      netsuiteConcurrencyBudget: 5,
      triggerStatuses: '11,9,8,3,2,10,14',
      timeZone: 'UTC',
      taxMode: 'netsuite',
      pollerSchedule: 'rate(10 minutes)',
      skuRefreshSchedule: 'cron(0 3 * * ? *)',
      logRetentionDays: 30,
    });
    // Empty strings in cdk.json mean "not set".
    expect(config.storeHash).toBeUndefined();
    expect(config.alarmEmail).toBeUndefined();
    expect(missingRequiredSettings(config)).toEqual(['storeHash', 'netsuiteAccountId']);
  });

  test('-c values arrive as strings and are read like cdk.json values', () => {
    const config = parseStageConfig({
      storeHash: 'abc123',
      netsuiteAccountId: '1234567_SB1',
      netsuiteConcurrencyBudget: '12',
      logRetentionDays: '90',
      subsidiaryId: '7',
    });
    expect(config).toMatchObject({ netsuiteConcurrencyBudget: 12, logRetentionDays: 90, subsidiaryId: '7' });
    expect(missingRequiredSettings(config)).toEqual([]);
  });

  test('trigger statuses are given by id or name, as a list or a string, and end up as ids', () => {
    expect(parseStageConfig({ triggerStatuses: '11, Awaiting Shipment' }).triggerStatuses).toBe('11,9');
    expect(parseStageConfig({ triggerStatuses: [11, 'completed'] }).triggerStatuses).toBe('11,10');
  });

  test('a bad value fails synth naming every key', () => {
    expect(() =>
      parseStageConfig({
        storeHash: 'abc-123',
        netsuiteConcurrencyBudget: 2,
        triggerStatuses: 'On Hold',
        timeZone: 'Mars/Olympus',
        pollerSchedule: 'every 10 minutes',
        alarmEmail: 'ops',
        subsidiaryId: 'main',
        logRetentionDays: 10,
      }),
    ).toThrow(
      /storeHash: .*\n.*netsuiteConcurrencyBudget: must be at least 5.*\n.*triggerStatuses: unknown BigCommerce order status "On Hold".*\n.*timeZone: .*\n.*subsidiaryId: .*\n.*pollerSchedule: .*\n.*alarmEmail: .*\n.*logRetentionDays: /,
    );
  });
});

describe('NetSuite concurrency plan', () => {
  test('the default budget of 5: two workers with 1 request each, 1 for the SKU refresh, 1 for the reconciler and 1 for the fulfilment poller', () => {
    expect(planNetSuiteConcurrency(5, ordersQueue.batchSize)).toEqual({
      workerMaxConcurrency: 2,
      workerConcurrency: 1,
      skuRefreshConcurrency: 1,
      reconcilerConcurrency: 1,
      fulfilmentPollerConcurrency: 1,
      peakInFlight: 5,
    });
    expect(planNetSuiteConcurrency(6, 10)).toEqual({
      workerMaxConcurrency: 3,
      workerConcurrency: 1,
      skuRefreshConcurrency: 1,
      reconcilerConcurrency: 1,
      fulfilmentPollerConcurrency: 1,
      peakInFlight: 6,
    });
  });

  test.each([5, 6, 7, 10, 15, 16, 25, 50, 55, 100, 1000])(
    'budget %i: never above it, at least two workers, no more requests per worker than records per batch',
    (budget) => {
      const plan = planNetSuiteConcurrency(budget, ordersQueue.batchSize);
      expect(
        plan.workerMaxConcurrency * plan.workerConcurrency + plan.skuRefreshConcurrency + plan.reconcilerConcurrency + plan.fulfilmentPollerConcurrency,
      ).toBe(plan.peakInFlight);
      expect(plan.peakInFlight).toBeLessThanOrEqual(budget);
      expect(plan.workerMaxConcurrency).toBeGreaterThanOrEqual(2);
      expect(plan.workerMaxConcurrency).toBeLessThanOrEqual(1000);
      expect(plan.workerConcurrency).toBeGreaterThanOrEqual(1);
      expect(plan.workerConcurrency).toBeLessThanOrEqual(ordersQueue.batchSize);
      // Little of the budget is left unused.
      expect(budget - plan.peakInFlight).toBeLessThan(Math.max(2, plan.workerConcurrency));
    },
  );

  test('a budget too small for two workers, the SKU refresh, the reconciler and the fulfilment poller is refused', () => {
    expect(() => planNetSuiteConcurrency(4, 10)).toThrow(/too small/);
  });
});
