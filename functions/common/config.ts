/**
 * The one typed configuration of the product, read from the environment and validated with zod at cold start,
 * so a missing or malformed setting fails the function immediately with a message that names the variable.
 */
import * as z from 'zod';
import { ConfigError } from '../core/errors.ts';
import { assertionAlgorithm } from '../adapters/netsuite/netsuite-auth.ts';

export { ConfigError };
import { parseStatusList } from '../core/order-statuses.ts';
import { normalizeMethodName } from '../core/shipping-methods.ts';
import { normalizeCarrierKey } from '../core/ship-fulfilments.ts';
import { WORKER_TIMEOUT_SECONDS } from '../adapters/sqs/queue-definitions.ts';

const optionalId = z
  .string()
  .trim()
  .regex(/^\d+$/, 'must be a NetSuite internal id (digits)')
  .optional()
  .or(z.literal('').transform(() => undefined));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** An IANA time zone name (stage configuration validates with it too). */
export const timeZoneSchema = z
  .string()
  .default('UTC')
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as America/Chicago');

const storeHash = z.string().regex(/^[a-z0-9]+$/i, 'must be the store hash (letters and digits)');

const bigcommerceFields = {
  BIGCOMMERCE_STORE_HASH: storeHash,
  BIGCOMMERCE_ACCESS_TOKEN: z.string().min(1),
  BIGCOMMERCE_API_URL: z.url().default('https://api.bigcommerce.com'),
  BIGCOMMERCE_TIMEOUT_MS: positiveInt(15_000),
  BIGCOMMERCE_PAGE_SIZE: z.coerce.number().int().min(1).max(250).default(250),
};

const netsuiteFields = {
  NETSUITE_ACCOUNT_ID: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be the account id, e.g. 1234567 or 1234567_SB1'),
  NETSUITE_API_URL: z.url().optional(),
  NETSUITE_AUTH: z.enum(['oauth2', 'tba']).default('oauth2'),
  NETSUITE_CLIENT_ID: z.string().optional(),
  NETSUITE_CERTIFICATE_ID: z.string().optional(),
  NETSUITE_PRIVATE_KEY: z.string().optional(),
  NETSUITE_CONSUMER_KEY: z.string().optional(),
  NETSUITE_CONSUMER_SECRET: z.string().optional(),
  NETSUITE_TOKEN_ID: z.string().optional(),
  NETSUITE_TOKEN_SECRET: z.string().optional(),
  /** Requests this process keeps in flight; keep the sum over workers below the account's limit. */
  NETSUITE_CONCURRENCY: positiveInt(4),
  NETSUITE_TIMEOUT_MS: positiveInt(60_000),
  /** The item column that holds the storefront SKU (itemid, upccode, externalid or a custitem_ field). */
  NETSUITE_SKU_FIELD: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/i, 'must be a SuiteQL column name')
    .default('itemid'),
  NETSUITE_SUBSIDIARY_ID: optionalId,
  NETSUITE_LOCATION_ID: optionalId,
  NETSUITE_DEPARTMENT_ID: optionalId,
  NETSUITE_CLASS_ID: optionalId,
  NETSUITE_DISCOUNT_ITEM_ID: optionalId,
  /** Item for gift certificate purchases (lines of type giftcertificate carry no SKU). */
  NETSUITE_GIFT_CERTIFICATE_ITEM_ID: optionalId,
  /** Item for lines without a SKU (custom products); unset, such an order fails naming the line. */
  NETSUITE_NO_SKU_ITEM_ID: optionalId,
  /** Items for gift wrapping and handling; unset, each is added to the shipping charge. */
  NETSUITE_WRAPPING_ITEM_ID: optionalId,
  NETSUITE_HANDLING_ITEM_ID: optionalId,
  /** Item for order fees, one line per fee; required once an order has a fee. */
  NETSUITE_FEE_ITEM_ID: optionalId,
  /** SYNC_TAX_MODE=line: the item BigCommerce's tax books on, and the tax code that keeps NetSuite from adding its own. */
  NETSUITE_TAX_ITEM_ID: optionalId,
  // Built-in tax codes have negative ids ("-Not Taxable-" was -8 in one account: look it up by name in yours).
  NETSUITE_NON_TAXABLE_TAX_CODE_ID: z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be a NetSuite tax code internal id (e.g. -8)')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** BigCommerce shipping method text → NetSuite ship item id, as JSON: {"Flat Rate": "12"}. */
  NETSUITE_SHIP_METHODS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      const parsed = z.record(z.string().trim().min(1), z.union([z.string().regex(/^\d+$/), z.number().int().positive()])).safeParse(safeJson(text));
      if (!parsed.success) {
        ctx.issues.push({
          code: 'custom',
          message: 'must be a JSON object of shipping method name → NetSuite ship item id, e.g. {"Flat Rate":"12"}',
          input: text,
        });
        return z.NEVER;
      }
      return new Map(Object.entries(parsed.data).map(([name, id]) => [normalizeMethodName(name), String(id)]));
    }),
  /** Ship item for methods missing from NETSUITE_SHIP_METHODS; unset, such an order fails naming the method. */
  NETSUITE_DEFAULT_SHIP_METHOD_ID: optionalId,
  /** custom: lines carry the Custom price level with BigCommerce's rate (needs Multiple Prices); none: the rate alone. */
  NETSUITE_PRICE_LEVEL: z.enum(['custom', 'none']).default('custom'),
  /** Customer ID of new customers: none (auto-numbering on), their e-mail, or their name (numbered on a clash). */
  NETSUITE_CUSTOMER_ENTITY_ID: z.enum(['auto', 'email', 'name']).default('auto'),
  /** OneWorld: a shopper known only in another subsidiary gets a customer in ours (create) or fails the order (fail). */
  NETSUITE_OTHER_SUBSIDIARY_CUSTOMER: z.enum(['create', 'fail']).default('create'),
  /**
   * The transaction column field (created in NetSuite, e.g. custcol_bc_line_id) that carries each line's BigCommerce
   * order product id. Unset, lines carry no link and changes that must match lines (edits, refunds, fulfilments)
   * are refused with an alert; cancellations of unfulfilled orders still work.
   */
  NETSUITE_LINE_ID_FIELD: z
    .string()
    .trim()
    .regex(/^custcol[a-z0-9_]+$/, 'must be a transaction column field id, e.g. custcol_bc_line_id')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Item (an Other Charge for Sale) that refunded amounts BigCommerce does not tie to a line book on: ORDER, FEE and gift wrapping refunds. */
  NETSUITE_REFUND_ITEM_ID: optionalId,
  /** SYNC_PAYMENTS=deposit: the bank account customer deposits go to; unset, Undeposited Funds. */
  NETSUITE_DEPOSIT_ACCOUNT_ID: optionalId,
  /** Orders with several shipping addresses book one ship-to per line (needs Multiple Shipping Routes in NetSuite). */
  NETSUITE_MULTI_SHIP_ROUTES: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((value) => value === 'true'),
};

/**
 * Every paid, not cancelled status: Awaiting Fulfillment, Awaiting Shipment, Awaiting Pickup, Partially Shipped,
 * Shipped, Completed, and Partially Refunded (a paid order refunded in part before we saw it is still a sale: it is
 * booked, then its refund). An order that moves on (shipped, or a digital order straight to Completed) still syncs.
 */
export const DEFAULT_TRIGGER_STATUSES = '11,9,8,3,2,10,14';

const triggerStatuses = {
  /** Orders in these statuses (ids or names) become sales orders; others are skipped until they move. */
  SYNC_TRIGGER_STATUSES: z
    .string()
    .default(DEFAULT_TRIGGER_STATUSES)
    .transform((text, ctx) => {
      try {
        return parseStatusList(text);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
        return z.NEVER;
      }
    }),
};

const syncFields = {
  ...triggerStatuses,
  SYNC_TIME_ZONE: timeZoneSchema,
  /** Lines are always booked ex tax; inc_tax is still read, to refuse it with the reason (see checkTaxSettings). */
  SYNC_PRICE_BASIS: z.enum(['ex_tax', 'inc_tax']).default('ex_tax'),
  /** netsuite: NetSuite taxes the lines with its own codes. line: BigCommerce's tax books on NETSUITE_TAX_ITEM_ID. */
  SYNC_TAX_MODE: z.enum(['netsuite', 'line']).default('netsuite'),
  /** SYNC_TAX_MODE=line: one tax line for the order's total, or one per BigCommerce tax class. */
  SYNC_TAX_LINES: z.enum(['total', 'class']).default('total'),
  /** off: payments stay in BigCommerce. deposit: each captured payment becomes a NetSuite customer deposit on the sales order. */
  SYNC_PAYMENTS: z.enum(['off', 'deposit']).default('off'),
  /** SYNC_PAYMENTS=deposit: also record test-gateway transactions (a sandbox store); never in production. */
  SYNC_PAYMENTS_INCLUDE_TEST: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((value) => value === 'true'),
  /** Longer than one worker invocation can run, so two never hold an order at once. */
  SYNC_LEASE_MS: positiveInt((WORKER_TIMEOUT_SECONDS + 30) * 1000),
  SYNC_NEGATIVE_SKU_TTL_SECONDS: positiveInt(900),
  /** How long after a circuit opens the first probe may run (then the wait doubles, up to 15 minutes). */
  CIRCUIT_FIRST_PROBE_SECONDS: z.coerce.number().min(0).default(60),
};

const awsFields = {
  LEDGER_TABLE: z.string().min(1).default('bc-netsuite-sync-ledger'),
  SKU_MAP_TABLE: z.string().min(1).default('bc-netsuite-sync-sku-map'),
  AWS_REGION: z.string().default('us-east-1'),
  /** Only for DynamoDB Local; empty in AWS. */
  DYNAMODB_ENDPOINT: z.url().optional(),
};

const queueFields = {
  ORDERS_QUEUE_URL: z.url(),
  AWS_REGION: z.string().default('us-east-1'),
  /** Only for a local SQS emulator; empty in AWS. */
  SQS_ENDPOINT: z.url().optional(),
};

const webhookFields = {
  BIGCOMMERCE_STORE_HASH: storeHash,
  /** Shared secret BigCommerce sends back in a custom header on every callback (set when the hook is registered). */
  WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters'),
  WEBHOOK_SECRET_HEADER: z
    .string()
    .regex(/^[a-z0-9-]+$/i)
    .default('x-webhook-secret'),
  /** When set, callbacks must also carry a valid Standard Webhooks signature made with this secret. */
  WEBHOOK_SIGNING_SECRET: z.string().optional(),
  /** Bodies larger than this are refused; BigCommerce's order callbacks are a few hundred bytes. */
  WEBHOOK_MAX_BODY_BYTES: positiveInt(64 * 1024),
};

const pollerFields = {
  ...triggerStatuses,
  /** Re-read this much before the cursor, for orders modified while the previous run paged. */
  POLLER_OVERLAP_MINUTES: z.coerce.number().min(0).default(5),
  /** Where the very first run starts, counted back from now. */
  POLLER_INITIAL_LOOKBACK_HOURS: z.coerce.number().positive().default(24),
  /** How long a run may hold the poller lease (should match the poller's timeout). */
  POLLER_LEASE_MS: positiveInt(300_000),
};

const notifierFields = {
  BIGCOMMERCE_STORE_HASH: storeHash,
  /** Slack incoming webhook; in AWS it comes from the secret, never from plain configuration. */
  SLACK_WEBHOOK_URL: z.url(),
  DEAD_LETTER_QUEUE_URL: z.url(),
};

const envSchema = z.object({ ...bigcommerceFields, ...netsuiteFields, ...syncFields, ...awsFields });

export type NetSuiteAuthConfig =
  | { kind: 'oauth2'; clientId: string; certificateId: string; privateKeyPem: string }
  | { kind: 'tba'; consumerKey: string; consumerSecret: string; tokenId: string; tokenSecret: string };

export interface AppConfig {
  bigcommerce: { storeHash: string; accessToken: string; apiUrl: string; timeoutMs: number; pageSize: number };
  netsuite: {
    accountId: string;
    apiUrl: string;
    auth: NetSuiteAuthConfig;
    concurrency: number;
    timeoutMs: number;
    skuField: string;
    priceLevel: 'custom' | 'none';
  };
  sync: {
    storeHash: string;
    timeZone: string;
    triggerStatusIds: number[];
    subsidiaryId?: string;
    locationId?: string;
    departmentId?: string;
    classId?: string;
    discountItemId?: string;
    giftCertificateItemId?: string;
    noSkuItemId?: string;
    wrappingItemId?: string;
    handlingItemId?: string;
    feeItemId?: string;
    taxMode: 'netsuite' | 'line';
    taxLines: 'total' | 'class';
    taxItemId?: string;
    nonTaxableTaxCodeId?: string;
    shipMethods: Map<string, string>;
    defaultShipMethodId?: string;
    multiShipRoutes: boolean;
    lineIdField?: string;
    refundItemId?: string;
    payments: 'off' | 'deposit';
    includeTestPayments: boolean;
    depositAccountId?: string;
    customerEntityId: 'auto' | 'email' | 'name';
    otherSubsidiaryCustomer: 'create' | 'fail';
    leaseMs: number;
    negativeSkuTtlSeconds: number;
    circuitFirstProbeMs: number;
  };
  aws: { region: string; ledgerTable: string; skuMapTable: string; dynamodbEndpoint?: string };
}

/** NetSuite's REST host for an account id: lower case, '_' → '-' (1234567_SB1 → 1234567-sb1). */
export function netsuiteApiUrl(accountId: string): string {
  return `https://${accountId.toLowerCase().replaceAll('_', '-')}.suitetalk.api.netsuite.com`;
}

function requireVars(env: Env, names: string[], why: string): Record<string, string> {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new ConfigError(`${missing.join(', ')} must be set ${why}`, { source: 'config' });
  return Object.fromEntries(names.map((name) => [name, env[name]!]));
}

type Env = Record<string, string | undefined>;

function parseEnv<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`, { source: 'config' });
  }
  return parsed.data;
}

export interface QueueConfig {
  queueUrl: string;
  region: string;
  sqsEndpoint?: string;
}

/** Where the orders queue is (webhook, poller and worker all need it). */
export function loadQueueConfig(env: Env = process.env): QueueConfig {
  const e = parseEnv(z.object(queueFields), env);
  return { queueUrl: e.ORDERS_QUEUE_URL, region: e.AWS_REGION, ...(e.SQS_ENDPOINT ? { sqsEndpoint: e.SQS_ENDPOINT } : {}) };
}

export interface WebhookConfig {
  storeHash: string;
  secret: string;
  secretHeader: string;
  signingSecret?: string;
  maxBodyBytes: number;
  queue: QueueConfig;
}

/** What the webhook function needs: no BigCommerce token, no NetSuite credentials. */
export function loadWebhookConfig(env: Env = process.env): WebhookConfig {
  const e = parseEnv(z.object(webhookFields), env);
  return {
    storeHash: e.BIGCOMMERCE_STORE_HASH,
    secret: e.WEBHOOK_SECRET,
    secretHeader: e.WEBHOOK_SECRET_HEADER.toLowerCase(),
    ...(e.WEBHOOK_SIGNING_SECRET ? { signingSecret: e.WEBHOOK_SIGNING_SECRET } : {}),
    maxBodyBytes: e.WEBHOOK_MAX_BODY_BYTES,
    queue: loadQueueConfig(env),
  };
}

export interface PollerConfig {
  bigcommerce: AppConfig['bigcommerce'];
  aws: AppConfig['aws'];
  queue: QueueConfig;
  triggerStatusIds: number[];
  overlapMs: number;
  initialLookbackMs: number;
  leaseMs: number;
}

/** What the poller needs: BigCommerce, its state table and the queue; no NetSuite credentials. */
export function loadPollerConfig(env: Env = process.env): PollerConfig {
  const e = parseEnv(z.object({ ...bigcommerceFields, ...awsFields, ...pollerFields }), env);
  return {
    bigcommerce: bigcommerceConfig(e),
    aws: awsConfig(e),
    queue: loadQueueConfig(env),
    triggerStatusIds: e.SYNC_TRIGGER_STATUSES,
    overlapMs: e.POLLER_OVERLAP_MINUTES * 60_000,
    initialLookbackMs: e.POLLER_INITIAL_LOOKBACK_HOURS * 3_600_000,
    leaseMs: e.POLLER_LEASE_MS,
  };
}

/** BigCommerce `shipping_provider` values (orders.v2.oas2.yml L2886-2907) and `carrier_{id}` for third-party providers. */
const SHIPPING_PROVIDERS = ['auspost', 'canadapost', 'endicia', 'usps', 'fedex', 'ups', 'upsready', 'upsonline', 'shipperhq', 'royalmail'];
const carrierTarget = z
  .union([
    z.string().trim().min(1),
    z.strictObject({ shipping_provider: z.string().trim().min(1).optional(), tracking_carrier: z.string().trim().min(1).optional() }),
  ])
  .transform((value) => (typeof value === 'string' ? { shipping_provider: value } : value))
  .refine(
    (value) => value.shipping_provider === undefined || SHIPPING_PROVIDERS.includes(value.shipping_provider) || /^carrier_\d+$/.test(value.shipping_provider),
    `shipping_provider must be one of ${SHIPPING_PROVIDERS.join(', ')} or carrier_<id>; put AfterShip slugs in tracking_carrier`,
  );

const fulfilmentFields = {
  /** Which item fulfilments become shipments: shipped (status C, the default) or packed (B and C). */
  FULFILMENT_SHIP_STATUS: z.enum(['shipped', 'packed']).default('shipped'),
  /**
   * NetSuite ship method name or carrier → BigCommerce carrier, as JSON: {"UPS Ground": "ups", "DHL Express":
   * {"tracking_carrier": "dhl"}}. A string is a shipping_provider. Unmapped: the tracking number goes alone.
   */
  FULFILMENT_CARRIERS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      const parsed = z.record(z.string().trim().min(1), carrierTarget).safeParse(safeJson(text));
      if (!parsed.success) {
        ctx.issues.push({
          code: 'custom',
          message: `must be a JSON object of NetSuite ship method or carrier → BigCommerce shipping_provider, or {"shipping_provider"|"tracking_carrier": …} (${parsed.error.issues[0]?.message ?? 'not JSON'})`,
          input: text,
        });
        return z.NEVER;
      }
      return new Map(
        Object.entries(parsed.data).map(([name, target]) => [
          normalizeCarrierKey(name),
          {
            ...(target.shipping_provider ? { shippingProvider: target.shipping_provider } : {}),
            ...(target.tracking_carrier ? { trackingCarrier: target.tracking_carrier } : {}),
          },
        ]),
      );
    }),
  /** Item fulfilment custom body field (e.g. custbody_bc_shipment_id) that receives the BigCommerce shipment id(s). */
  NETSUITE_SHIPMENT_ID_FIELD: z
    .string()
    .trim()
    .regex(/^custbody[a-z0-9_]+$/, 'must be a transaction body field id, e.g. custbody_bc_shipment_id')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  FULFILMENT_OVERLAP_MINUTES: z.coerce.number().min(0).default(10),
  FULFILMENT_INITIAL_LOOKBACK_HOURS: z.coerce.number().positive().default(24),
  /** The single-poller lease (should match the function's timeout). */
  FULFILMENT_LEASE_MS: positiveInt(300_000),
  /**
   * How long a claim on one shipment outlives a poller that died holding it (a live run gives its claims up itself);
   * the function's timeout, so no POST of that run can still be in flight.
   */
  FULFILMENT_CLAIM_LEASE_MS: positiveInt(300_000),
};

export interface FulfilmentPollerConfig {
  bigcommerce: AppConfig['bigcommerce'];
  netsuite: AppConfig['netsuite'];
  aws: AppConfig['aws'];
  storeHash: string;
  slackWebhookUrl: string;
  shipStatuses: string[];
  carriers: Map<string, { shippingProvider?: string; trackingCarrier?: string }>;
  lineIdField?: string;
  shipmentIdField?: string;
  overlapMs: number;
  initialLookbackMs: number;
  leaseMs: number;
  claimLeaseMs: number;
}

/** What the fulfilment poller needs: NetSuite (fulfilments), BigCommerce (shipments), its ledger keys and Slack. */
export function loadFulfilmentPollerConfig(env: Env = process.env): FulfilmentPollerConfig {
  const e = parseEnv(
    z.object({ ...bigcommerceFields, ...netsuiteFields, ...awsFields, ...fulfilmentFields, SLACK_WEBHOOK_URL: notifierFields.SLACK_WEBHOOK_URL }),
    env,
  );
  return {
    bigcommerce: bigcommerceConfig(e),
    netsuite: netsuiteConfig(e, env),
    aws: awsConfig(e),
    storeHash: e.BIGCOMMERCE_STORE_HASH,
    slackWebhookUrl: e.SLACK_WEBHOOK_URL,
    // lifecycle.md §1.5: A Picked, B Packed, C Shipped.
    shipStatuses: e.FULFILMENT_SHIP_STATUS === 'packed' ? ['B', 'C'] : ['C'],
    carriers: e.FULFILMENT_CARRIERS,
    ...(e.NETSUITE_LINE_ID_FIELD ? { lineIdField: e.NETSUITE_LINE_ID_FIELD } : {}),
    ...(e.NETSUITE_SHIPMENT_ID_FIELD ? { shipmentIdField: e.NETSUITE_SHIPMENT_ID_FIELD } : {}),
    overlapMs: e.FULFILMENT_OVERLAP_MINUTES * 60_000,
    initialLookbackMs: e.FULFILMENT_INITIAL_LOOKBACK_HOURS * 3_600_000,
    leaseMs: e.FULFILMENT_LEASE_MS,
    claimLeaseMs: e.FULFILMENT_CLAIM_LEASE_MS,
  };
}

export interface NotifierConfig {
  storeHash: string;
  slackWebhookUrl: string;
  deadLetterQueueUrl: string;
  aws: AppConfig['aws'];
  sqsEndpoint?: string;
}

/** What the dead-letter notifier needs: the DLQ (to peek), the ledger (reasons, alert markers) and Slack. */
export function loadNotifierConfig(env: Env = process.env): NotifierConfig {
  const e = parseEnv(z.object({ ...notifierFields, ...awsFields, SQS_ENDPOINT: queueFields.SQS_ENDPOINT }), env);
  return {
    storeHash: e.BIGCOMMERCE_STORE_HASH,
    slackWebhookUrl: e.SLACK_WEBHOOK_URL,
    deadLetterQueueUrl: e.DEAD_LETTER_QUEUE_URL,
    aws: awsConfig(e),
    ...(e.SQS_ENDPOINT ? { sqsEndpoint: e.SQS_ENDPOINT } : {}),
  };
}

function bigcommerceConfig(e: z.infer<z.ZodObject<typeof bigcommerceFields>>): AppConfig['bigcommerce'] {
  return {
    storeHash: e.BIGCOMMERCE_STORE_HASH,
    accessToken: e.BIGCOMMERCE_ACCESS_TOKEN,
    apiUrl: e.BIGCOMMERCE_API_URL.replace(/\/+$/, ''),
    timeoutMs: e.BIGCOMMERCE_TIMEOUT_MS,
    pageSize: e.BIGCOMMERCE_PAGE_SIZE,
  };
}

function awsConfig(e: z.infer<z.ZodObject<typeof awsFields>>): AppConfig['aws'] {
  return {
    region: e.AWS_REGION,
    ledgerTable: e.LEDGER_TABLE,
    skuMapTable: e.SKU_MAP_TABLE,
    ...(e.DYNAMODB_ENDPOINT ? { dynamodbEndpoint: e.DYNAMODB_ENDPOINT } : {}),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Combinations that would book wrong amounts, refused before the first order is touched. */
function checkTaxSettings(e: z.infer<typeof envSchema>, env: Env): void {
  if (e.SYNC_PRICE_BASIS === 'inc_tax') {
    throw new ConfigError(
      e.SYNC_TAX_MODE === 'netsuite'
        ? "SYNC_PRICE_BASIS=inc_tax with SYNC_TAX_MODE=netsuite is refused: lines would carry tax-inclusive prices and NetSuite would add its own tax on top, so every order would be overcharged by its tax. Use SYNC_PRICE_BASIS=ex_tax (NetSuite computes tax), or SYNC_TAX_MODE=line (BigCommerce's tax booked on its own line)."
        : "SYNC_PRICE_BASIS=inc_tax with SYNC_TAX_MODE=line is refused: the tax line already carries BigCommerce's tax, so lines are booked ex tax. Remove SYNC_PRICE_BASIS (ex_tax is the default).",
      { source: 'config' },
    );
  }
  if (e.SYNC_TAX_MODE === 'line') requireVars(env, ['NETSUITE_TAX_ITEM_ID', 'NETSUITE_NON_TAXABLE_TAX_CODE_ID'], 'when SYNC_TAX_MODE=line');
}

function netsuiteConfig(e: z.infer<z.ZodObject<typeof netsuiteFields>>, env: Env): AppConfig['netsuite'] {
  let auth: NetSuiteAuthConfig;
  if (e.NETSUITE_AUTH === 'oauth2') {
    const v = requireVars(env, ['NETSUITE_CLIENT_ID', 'NETSUITE_CERTIFICATE_ID', 'NETSUITE_PRIVATE_KEY'], 'when NETSUITE_AUTH=oauth2');
    // Keys pasted into one-line variables often carry literal "\n"; PEM needs real line breaks.
    const privateKeyPem = v.NETSUITE_PRIVATE_KEY!.replaceAll('\\n', '\n');
    assertionAlgorithm(privateKeyPem); // a key NetSuite cannot take stops the function now, not at its first request
    auth = { kind: 'oauth2', clientId: v.NETSUITE_CLIENT_ID!, certificateId: v.NETSUITE_CERTIFICATE_ID!, privateKeyPem };
  } else {
    const v = requireVars(env, ['NETSUITE_CONSUMER_KEY', 'NETSUITE_CONSUMER_SECRET', 'NETSUITE_TOKEN_ID', 'NETSUITE_TOKEN_SECRET'], 'when NETSUITE_AUTH=tba');
    auth = {
      kind: 'tba',
      consumerKey: v.NETSUITE_CONSUMER_KEY!,
      consumerSecret: v.NETSUITE_CONSUMER_SECRET!,
      tokenId: v.NETSUITE_TOKEN_ID!,
      tokenSecret: v.NETSUITE_TOKEN_SECRET!,
    };
  }
  return {
    accountId: e.NETSUITE_ACCOUNT_ID,
    apiUrl: (e.NETSUITE_API_URL ?? netsuiteApiUrl(e.NETSUITE_ACCOUNT_ID)).replace(/\/+$/, ''),
    auth,
    concurrency: e.NETSUITE_CONCURRENCY,
    timeoutMs: e.NETSUITE_TIMEOUT_MS,
    skuField: e.NETSUITE_SKU_FIELD.toLowerCase(),
    priceLevel: e.NETSUITE_PRICE_LEVEL,
  };
}

export interface ReconcilerConfig {
  storeHash: string;
  netsuite: AppConfig['netsuite'];
  aws: AppConfig['aws'];
  slackWebhookUrl: string;
  minAgeMs: number;
}

/** What the reconciler needs: NetSuite (to read totals), the ledger and Slack; no BigCommerce token. */
export function loadReconcilerConfig(env: Env = process.env): ReconcilerConfig {
  const e = parseEnv(
    z.object({
      ...netsuiteFields,
      ...awsFields,
      BIGCOMMERCE_STORE_HASH: storeHash,
      SLACK_WEBHOOK_URL: notifierFields.SLACK_WEBHOOK_URL,
      /** Orders synced more recently than this wait for the next run. */
      RECONCILE_MIN_AGE_SECONDS: z.coerce.number().min(0).default(60),
    }),
    env,
  );
  return {
    storeHash: e.BIGCOMMERCE_STORE_HASH,
    netsuite: netsuiteConfig(e, env),
    aws: awsConfig(e),
    slackWebhookUrl: e.SLACK_WEBHOOK_URL,
    minAgeMs: e.RECONCILE_MIN_AGE_SECONDS * 1000,
  };
}

/** What the worker (and every sync script) needs. */
export function loadConfig(env: Env = process.env): AppConfig {
  const e = parseEnv(envSchema, env);
  checkTaxSettings(e, env);
  return {
    bigcommerce: bigcommerceConfig(e),
    netsuite: netsuiteConfig(e, env),
    sync: {
      storeHash: e.BIGCOMMERCE_STORE_HASH,
      timeZone: e.SYNC_TIME_ZONE,
      triggerStatusIds: e.SYNC_TRIGGER_STATUSES,
      subsidiaryId: e.NETSUITE_SUBSIDIARY_ID,
      locationId: e.NETSUITE_LOCATION_ID,
      departmentId: e.NETSUITE_DEPARTMENT_ID,
      classId: e.NETSUITE_CLASS_ID,
      discountItemId: e.NETSUITE_DISCOUNT_ITEM_ID,
      giftCertificateItemId: e.NETSUITE_GIFT_CERTIFICATE_ITEM_ID,
      noSkuItemId: e.NETSUITE_NO_SKU_ITEM_ID,
      wrappingItemId: e.NETSUITE_WRAPPING_ITEM_ID,
      handlingItemId: e.NETSUITE_HANDLING_ITEM_ID,
      feeItemId: e.NETSUITE_FEE_ITEM_ID,
      taxMode: e.SYNC_TAX_MODE,
      taxLines: e.SYNC_TAX_LINES,
      taxItemId: e.NETSUITE_TAX_ITEM_ID,
      nonTaxableTaxCodeId: e.NETSUITE_NON_TAXABLE_TAX_CODE_ID,
      shipMethods: e.NETSUITE_SHIP_METHODS,
      defaultShipMethodId: e.NETSUITE_DEFAULT_SHIP_METHOD_ID,
      multiShipRoutes: e.NETSUITE_MULTI_SHIP_ROUTES,
      ...(e.NETSUITE_LINE_ID_FIELD ? { lineIdField: e.NETSUITE_LINE_ID_FIELD } : {}),
      ...(e.NETSUITE_REFUND_ITEM_ID ? { refundItemId: e.NETSUITE_REFUND_ITEM_ID } : {}),
      payments: e.SYNC_PAYMENTS,
      includeTestPayments: e.SYNC_PAYMENTS_INCLUDE_TEST,
      ...(e.NETSUITE_DEPOSIT_ACCOUNT_ID ? { depositAccountId: e.NETSUITE_DEPOSIT_ACCOUNT_ID } : {}),
      customerEntityId: e.NETSUITE_CUSTOMER_ENTITY_ID,
      otherSubsidiaryCustomer: e.NETSUITE_OTHER_SUBSIDIARY_CUSTOMER,
      leaseMs: e.SYNC_LEASE_MS,
      negativeSkuTtlSeconds: e.SYNC_NEGATIVE_SKU_TTL_SECONDS,
      circuitFirstProbeMs: e.CIRCUIT_FIRST_PROBE_SECONDS * 1000,
    },
    aws: awsConfig(e),
  };
}
