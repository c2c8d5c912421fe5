/**
 * Builds the app's one stack from context and registers the cdk-nag packs, for bin/app.ts and for the tests,
 * so both check the same thing.
 */
import type { App } from 'aws-cdk-lib';
import { BcNetSuiteSyncStack } from './bc-netsuite-sync-stack.ts';
import { applyNagPacks } from './nag.ts';
import { checkAlarmSubscriber, readStageConfig } from './stage-config.ts';

export function buildApp(app: App): BcNetSuiteSyncStack {
  const config = readStageConfig(app.node);
  checkAlarmSubscriber(config);
  const stack = new BcNetSuiteSyncStack(app, config.stackName, {
    config,
    description: `bc-netsuite-sync: BigCommerce store ${config.storeHash ?? '(store hash not set)'} to NetSuite ${config.netsuiteAccountId ?? '(account not set)'}`,
  });
  applyNagPacks(app);
  return stack;
}
