/**
 * Everything one sync test needs, real and wired the way production wires it: the simulated environment
 * (both API simulators over HTTP, fresh tables in the suite's DynamoDB Local) and the product's own
 * adapters built by createSyncContext from configuration. Nothing of ours is mocked.
 */
import { randomUUID } from 'node:crypto';
import { syncOrder, type SyncOutcome } from '../../functions/core/sync-order.ts';
import { loadConfig, type AppConfig } from '../../functions/common/config.ts';
import { createSyncContext, type SyncContext } from '../../functions/common/sync-context.ts';
import type { BigCommerceSimulator } from '../../local/simulators/bigcommerce/bigcommerce-simulator.ts';
import type { NetSuiteSimulator } from '../../local/simulators/netsuite/netsuite-simulator.ts';
import { startSimulatedEnvironment, type SimulatedEnvironmentOptions } from '../../local/simulated-environment.ts';

export interface Harness {
  bc: BigCommerceSimulator;
  ns: NetSuiteSimulator;
  config: AppConfig;
  context: SyncContext;
  /** Runs the sync use case as one worker would. */
  sync(orderId: number, workerId?: string): Promise<SyncOutcome>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  auth?: 'oauth2' | 'tba';
  /** Product settings; a function receives the simulators first, to name items it seeds. */
  env?: Record<string, string> | ((sim: { ns: NetSuiteSimulator }) => Record<string, string>);
  concurrencyLimit?: number;
  netsuite?: SimulatedEnvironmentOptions['netsuite'];
  bigcommerce?: SimulatedEnvironmentOptions['bigcommerce'];
  oauth2KeyCurve?: SimulatedEnvironmentOptions['oauth2KeyCurve'];
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const environment = await startSimulatedEnvironment({
    dynamodbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT!,
    tablePrefix: `test-${randomUUID().slice(0, 8)}`,
    // A short window keeps a rate-limited test's wait (the rest of the window) short.
    rateLimit: { quota: 1000, windowMs: 1_000 },
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.concurrencyLimit ? { concurrencyLimit: options.concurrencyLimit } : {}),
    ...(options.netsuite ? { netsuite: options.netsuite } : {}),
    ...(options.bigcommerce ? { bigcommerce: options.bigcommerce } : {}),
    ...(options.oauth2KeyCurve ? { oauth2KeyCurve: options.oauth2KeyCurve } : {}),
  });
  const env = typeof options.env === 'function' ? options.env({ ns: environment.ns }) : options.env;
  const config = loadConfig({ ...environment.env, SYNC_TIME_ZONE: 'America/Chicago', ...env });
  // Short backoff keeps retry tests fast; the number of attempts is the production default.
  const context = createSyncContext(config, { retry: { attempts: 8, baseDelayMs: 25, maxDelayMs: 1_000 } });
  return {
    bc: environment.bc,
    ns: environment.ns,
    config,
    context,
    sync: (orderId, workerId = randomUUID()) => syncOrder(orderId, { ...context, workerId }),
    close: () => environment.close(),
  };
}

/** The sales order id of a synced (or already synced) outcome; fails the test otherwise. */
export function salesOrderIdOf(outcome: SyncOutcome): string {
  if (outcome.status === 'skipped') throw new Error(`expected a sales order, the order was skipped: ${outcome.reason}`);
  return outcome.salesOrderId;
}

/** A compact billing address for seeds. */
export function shopper(email: string, firstName = 'Ann', lastName = 'Smith', company?: string) {
  return { firstName, lastName, company, street1: '1 Main St', city: 'Austin', state: 'Texas', zip: '78701', countryIso2: 'US', email, phone: '5125550100' };
}
