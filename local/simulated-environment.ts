/**
 * A complete stand-in for the outside world on loopback: the BigCommerce store and NetSuite account
 * simulators with freshly generated credentials, and the product's tables in a DynamoDB Local. It returns
 * the environment variables that point the product at them, so the product is configured exactly as in
 * production, through loadConfig. Used by `npm start`, the tests and the benchmarks.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ledgerTable, skuMapTable } from '../functions/adapters/dynamodb/table-definitions.ts';
import { createTables } from './engines/create-tables.ts';
import { BigCommerceSimulator, type BigCommerceSimulatorOptions } from './simulators/bigcommerce/bigcommerce-simulator.ts';
import { NetSuiteSimulator, type NetSuiteSimulatorOptions } from './simulators/netsuite/netsuite-simulator.ts';

/** The transaction column field the docs (and netsuite/Objects/custcol_bc_line_id.xml) create for the line link. */
export const LINE_ID_FIELD = 'custcol_bc_line_id';
export const SHIPMENT_ID_FIELD = 'custbody_bc_shipment_id';

export interface SimulatedEnvironment {
  bc: BigCommerceSimulator;
  ns: NetSuiteSimulator;
  /** Environment variables for loadConfig. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface SimulatedEnvironmentOptions {
  dynamodbEndpoint: string;
  auth?: 'oauth2' | 'tba';
  /** NetSuite account concurrency limit (5 on a Standard account). */
  concurrencyLimit?: number;
  /** BigCommerce store quota; the default is the Standard plan's 150 requests per 30 s. */
  rateLimit?: { quota: number; windowMs: number };
  storeHash?: string;
  /** Distinguishes the tables of parallel test files sharing one DynamoDB Local. */
  tablePrefix?: string;
  /** Fixed simulator ports (random free ones when absent). */
  ports?: { bigcommerce?: number | undefined; netsuite?: number | undefined };
  /** Extra store simulator options (e.g. webhook duplicates for chaos runs). */
  bigcommerce?: Pick<BigCommerceSimulatorOptions, 'webhookDuplicateRate' | 'random' | 'clock'>;
  /** The OAuth 2.0 certificate's key: RSA 3072 by default, or an EC curve NetSuite takes. */
  oauth2KeyCurve?: 'prime256v1' | 'secp384r1' | 'secp521r1';
  /** How the simulated NetSuite account is set up: currencies and tax codes. */
  netsuite?: Pick<
    NetSuiteSimulatorOptions,
    | 'currencies'
    | 'taxCodes'
    | 'defaultTaxCode'
    | 'shippingTaxCode'
    | 'taxCodeByState'
    | 'multiShipRoutes'
    | 'features'
    | 'customerAutoNumbering'
    | 'oneWorld'
    | 'subsidiaries'
    | 'transformExternalIds'
  >;
}

export async function startSimulatedEnvironment(options: SimulatedEnvironmentOptions): Promise<SimulatedEnvironment> {
  const storeHash = options.storeHash ?? 'abc123';
  const accountId = '1234567_SB1';
  const accessToken = `bc-${randomUUID()}`;
  const tba = { consumerKey: randomUUID(), consumerSecret: randomUUID(), tokenId: randomUUID(), tokenSecret: randomUUID() };
  const { privateKey, publicKey } = options.oauth2KeyCurve
    ? generateKeyPairSync('ec', { namedCurve: options.oauth2KeyCurve })
    : generateKeyPairSync('rsa', { modulusLength: 3072 });
  const oauth2 = {
    clientId: randomUUID(),
    certificateId: `cert-${randomUUID().slice(0, 8)}`,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };

  const bc = await BigCommerceSimulator.start({
    storeHash,
    accessToken,
    // The local webhook listens on http://127.0.0.1; real BigCommerce insists on https and port 443.
    allowInsecureDestinations: true,
    // Retry failed deliveries on BigCommerce's schedule, a thousand times faster.
    webhookRetryScale: 0.001,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.ports?.bigcommerce ? { port: options.ports.bigcommerce } : {}),
    ...options.bigcommerce,
  });
  const ns = await NetSuiteSimulator.start({
    accountId,
    oauth2,
    tba,
    concurrencyLimit: options.concurrencyLimit ?? 5,
    ...(options.ports?.netsuite ? { port: options.ports.netsuite } : {}),
    ...options.netsuite,
  });

  // The account has the line-link field the environment below configures, as the operator's guide asks.
  ns.defineCustomField(LINE_ID_FIELD);

  const prefix = options.tablePrefix ?? 'bc-netsuite-sync';
  const tables = { ledger: `${prefix}-ledger`, skuMap: `${prefix}-sku-map` };
  await createTables(options.dynamodbEndpoint, [
    { definition: ledgerTable, name: tables.ledger },
    { definition: skuMapTable, name: tables.skuMap },
  ]);

  const auth = options.auth ?? 'oauth2';
  const env: Record<string, string> = {
    BIGCOMMERCE_STORE_HASH: storeHash,
    BIGCOMMERCE_ACCESS_TOKEN: accessToken,
    BIGCOMMERCE_API_URL: bc.baseUrl,
    NETSUITE_ACCOUNT_ID: accountId,
    NETSUITE_API_URL: ns.baseUrl,
    NETSUITE_AUTH: auth,
    ...(auth === 'oauth2'
      ? {
          NETSUITE_CLIENT_ID: oauth2.clientId,
          NETSUITE_CERTIFICATE_ID: oauth2.certificateId,
          NETSUITE_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        }
      : {
          NETSUITE_CONSUMER_KEY: tba.consumerKey,
          NETSUITE_CONSUMER_SECRET: tba.consumerSecret,
          NETSUITE_TOKEN_ID: tba.tokenId,
          NETSUITE_TOKEN_SECRET: tba.tokenSecret,
        }),
    NETSUITE_DISCOUNT_ITEM_ID: ns.addItem({ itemId: 'BC-DISCOUNT', itemType: 'Discount' }),
    // The line link the operator's guide asks merchants to create (the simulated account defines it).
    NETSUITE_LINE_ID_FIELD: LINE_ID_FIELD,
    // Where the fulfilment poller writes the BigCommerce shipment id back (the simulated account defines it).
    NETSUITE_SHIPMENT_ID_FIELD: SHIPMENT_ID_FIELD,
    LEDGER_TABLE: tables.ledger,
    SKU_MAP_TABLE: tables.skuMap,
    DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
  };
  return {
    bc,
    ns,
    env,
    close: async () => {
      await Promise.all([bc.close(), ns.close()]);
    },
  };
}
