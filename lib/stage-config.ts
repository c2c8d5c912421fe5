/**
 * The deployment's settings, read from CDK context (cdk.json, or `-c key=value` on the command line) and
 * validated with zod before anything is built, so a typo fails `cdk synth` with a message that names the key.
 * Only non-secret settings live here; credentials go in the app secret (see constructs/app-secret.ts).
 */
import * as z from 'zod';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { parseStatusList } from '../functions/core/order-statuses.ts';
import { DEFAULT_TRIGGER_STATUSES, timeZoneSchema } from '../functions/common/config.ts';

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `-c key=value` always arrives as a string, cdk.json values as JSON; both read the same. An empty string is unset. */
const unsetIfEmpty = (value: unknown) => (value === '' || value === null ? undefined : value);

const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());

const netsuiteId = optional(z.coerce.string().regex(/^\d+$/, 'must be a NetSuite internal id (digits)'));

const scheduleExpression = z
  .string()
  .regex(
    /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$/,
    'must be an EventBridge Scheduler expression: rate(10 minutes) or cron(0 3 * * ? *)',
  );

// Every finite retention CloudWatch Logs offers (INFINITE would keep order data and logs forever).
const logRetentionDays = new Set(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number' && value !== RetentionDays.INFINITE),
);

export const stageConfigSchema = z.object({
  /** One stack per store; deploy a second store under another name. */
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a CloudFormation stack name')
    .default('BcNetSuiteSync'),
  /** Required to deploy; missing, the stack still synthesizes (with a warning) and the functions refuse to start. */
  storeHash: optional(z.string().regex(/^[a-z0-9]+$/i, 'must be the store hash from the API path (letters and digits)')),
  netsuiteAccountId: optional(z.coerce.string().regex(/^[A-Za-z0-9_-]+$/, 'must be the account id, e.g. 1234567 or 1234567_SB1')),
  netsuiteApiUrl: optional(z.url()),
  netsuiteAuth: z.enum(['oauth2', 'tba']).default('oauth2'),
  netsuiteSkuField: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/i, 'must be a SuiteQL column name')
    .default('itemid'),
  /**
   * Requests in flight against the NetSuite account, summed over every function of this deployment; NetSuite
   * answers requests over the account's limit (5 on Standard) with 429. See netsuite-concurrency.ts.
   */
  netsuiteConcurrencyBudget: z.coerce
    .number()
    .int()
    .min(5, 'must be at least 5 (two worker processes, the SKU refresh, the reconciler and the fulfilment poller)')
    .max(1000)
    .default(5),
  triggerStatuses: z
    .preprocess((value) => (Array.isArray(value) ? value.join(',') : value), z.coerce.string().default(DEFAULT_TRIGGER_STATUSES))
    // Names are resolved here so the functions' environment shows the ids BigCommerce filters by.
    .transform((text, ctx) => {
      try {
        const ids = parseStatusList(text);
        if (ids.length > 0) return ids.join(',');
        ctx.issues.push({ code: 'custom', message: 'must name at least one status', input: text });
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
      }
      return z.NEVER;
    }),
  timeZone: timeZoneSchema,
  /** netsuite: NetSuite taxes the lines. line: BigCommerce's tax books on taxItemId (see the configuration reference). */
  taxMode: z.enum(['netsuite', 'line']).default('netsuite'),
  taxLines: z.enum(['total', 'class']).default('total'),
  taxItemId: netsuiteId,
  nonTaxableTaxCodeId: optional(z.coerce.string().regex(/^-?\d+$/, 'must be a NetSuite tax code internal id (e.g. -8)')),
  subsidiaryId: netsuiteId,
  locationId: netsuiteId,
  departmentId: netsuiteId,
  classId: netsuiteId,
  discountItemId: netsuiteId,
  giftCertificateItemId: netsuiteId,
  noSkuItemId: netsuiteId,
  wrappingItemId: netsuiteId,
  handlingItemId: netsuiteId,
  feeItemId: netsuiteId,
  /** BigCommerce shipping method text → NetSuite ship item id; in cdk.json an object, with -c a JSON string. */
  shipMethods: optional(
    z.preprocess(
      (value) => (typeof value === 'string' ? safeJson(value) : value),
      z.record(z.string().min(1), z.coerce.string().regex(/^\d+$/, 'must map to a NetSuite ship item internal id')),
    ),
  ),
  defaultShipMethodId: netsuiteId,
  customerEntityId: z.enum(['auto', 'email', 'name']).default('auto'),
  otherSubsidiaryCustomer: z.enum(['create', 'fail']).default('create'),
  priceLevel: z.enum(['custom', 'none']).default('custom'),
  /** The custcol_ field linking NetSuite lines to BigCommerce order products (see docs/configuration.md). */
  lineIdField: optional(z.string().regex(/^custcol[a-z0-9_]+$/, 'must be a transaction column field id, e.g. custcol_bc_line_id')),
  /** Item refunded amounts not tied to a line book on (see docs/configuration.md). */
  refundItemId: netsuiteId,
  /** off, or deposit: captured BigCommerce payments become NetSuite customer deposits. */
  payments: z.enum(['off', 'deposit']).default('off'),
  /** Account for customer deposits; unset, Undeposited Funds. */
  depositAccountId: netsuiteId,
  multiShipRoutes: z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : unsetIfEmpty(value)), z.boolean().default(false)),
  /** How often the reconciler compares NetSuite's totals with what BigCommerce charged. */
  reconcileSchedule: scheduleExpression.default('rate(15 minutes)'),
  pollerSchedule: scheduleExpression.default('rate(10 minutes)'),
  /** How often NetSuite item fulfilments are looked for and become BigCommerce shipments. */
  fulfilmentPollerSchedule: scheduleExpression.default('rate(5 minutes)'),
  /** Item fulfilments that become shipments: shipped (status C) or packed (B and C). */
  fulfilmentShipStatus: z.enum(['shipped', 'packed']).default('shipped'),
  /** NetSuite ship method or carrier → BigCommerce shipping_provider / tracking_carrier (see docs/configuration.md). */
  fulfilmentCarriers: z.record(z.string(), z.union([z.string(), z.record(z.string(), z.string())])).optional(),
  /** The custbody_ field that receives the BigCommerce shipment id on each item fulfilment. */
  shipmentIdField: optional(z.string().regex(/^custbody[a-z0-9_]+$/, 'must be a transaction body field id, e.g. custbody_bc_shipment_id')),
  /** In `timeZone`: nightly at 03:00 by default. */
  skuRefreshSchedule: scheduleExpression.default('cron(0 3 * * ? *)'),
  webhookSecretHeader: z
    .string()
    .regex(/^[a-z0-9-]+$/i, 'must be an HTTP header name')
    .default('x-webhook-secret'),
  /**
   * `production` (the default) refuses to synthesize without an alarm subscriber (alarmEmail or alarmTopicArn), so
   * alarms always reach a person, Slack or no Slack. `dev` is exempt.
   */
  stage: z.enum(['production', 'dev']).default('production'),
  /** Also subscribed to every alarm topic when set (SNS asks the address to confirm). */
  alarmEmail: optional(z.email()),
  /** An existing SNS topic (a pager, AWS Chatbot, a shared ops topic) every alarm also notifies. */
  alarmTopicArn: optional(z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN')),
  /** Import an existing Secrets Manager secret by name instead of creating one. */
  appSecretName: optional(z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')),
  /**
   * How many of the console's two ledger indexes (by-state, by-email) to deploy. CloudFormation creates one global
   * secondary index per table update, so a stack deployed before the console upgrades with 1, then 2 (the default).
   */
  ledgerConsoleIndexes: z.coerce.number().int().min(0).max(2).default(2),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((days) => logRetentionDays.has(days), `must be one of CloudWatch Logs' retention periods: ${[...logRetentionDays].join(', ')}`)
    .default(30),
});

export type StageConfig = z.infer<typeof stageConfigSchema>;

export class StageConfigError extends Error {}

/** Parses context values (strings from `-c`, JSON from cdk.json) into the stage config; throws naming every bad key. */
export function parseStageConfig(context: Record<string, unknown>): StageConfig {
  const parsed = stageConfigSchema.safeParse(context);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(context)'}: ${issue.message}`).join('\n');
    throw new StageConfigError(`invalid CDK context (cdk.json or -c key=value):\n${problems}`);
  }
  return parsed.data;
}

/** The stage config from a construct tree's context. */
export function readStageConfig(node: Node): StageConfig {
  const context = Object.fromEntries(Object.keys(stageConfigSchema.shape).map((key) => [key, node.tryGetContext(key)]));
  return parseStageConfig(context);
}

/**
 * A production stage must name who hears its alarms: without a subscriber, the alarms (the notifier's own failures
 * among them) would change state and tell no one. Throws, so `cdk synth` and `cdk deploy` stop with the fix.
 */
export function checkAlarmSubscriber(config: StageConfig): void {
  if (config.stage === 'dev' || config.alarmEmail || config.alarmTopicArn) return;
  throw new StageConfigError(
    'a production stage needs an alarm subscriber, so alarms reach a person even when Slack does not: deploy with -c alarmEmail=ops@example.com or -c alarmTopicArn=arn:aws:sns:<region>:<account>:<topic> (or mark a test deployment -c stage=dev).',
  );
}

/** Keys a deployment cannot do without; missing, synth warns and the functions fail at start naming the variable. */
export function missingRequiredSettings(config: StageConfig): string[] {
  return (['storeHash', 'netsuiteAccountId'] as const).filter((key) => config[key] === undefined);
}
