/**
 * A small chaos run with a fixed seed (the full runs are `npm run chaos`): random NetSuite, BigCommerce and
 * Slack faults, lost and hung creates, worker crashes, duplicate webhooks and an overlapping poller, and then
 * the product's promises checked: nothing lost, nothing duplicated, every unsyncable order alerted once.
 */
import { runChaos } from '../../bench/chaos-run.ts';

test('40 orders under 20 % injected faults: none lost, none duplicated', async () => {
  const report = await runChaos({ orders: 40, seed: 7, faultRate: 0.2, dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT! });
  expect(report.violations).toEqual([]);
  expect(report.stats.netsuiteInjectedFaults).toBeGreaterThan(0); // the run really was chaotic
  expect((report.stats.workerCrashes ?? 0) + (report.stats.duplicateWebhooks ?? 0)).toBeGreaterThan(0);
}, 300_000);
