/**
 * One Secrets Manager secret per trust boundary, each a JSON object keyed by configuration variable name. A
 * function's environment carries the ARN of each secret it may read (`<BOUNDARY>_SECRET_ARN`) and its role may
 * read those and no other, so the internet-facing webhook cannot read the NetSuite key, and the notifier holds
 * nothing but the Slack URL. Shared by the stack (which creates and grants them) and the functions (which read them).
 */
export const SECRET_BOUNDARIES = {
  /** The shared secret BigCommerce echoes on every callback, and the optional Standard Webhooks signing secret. */
  webhook: { arnVariable: 'WEBHOOK_SECRET_ARN', keys: ['WEBHOOK_SECRET', 'WEBHOOK_SIGNING_SECRET'] },
  /** The API account's token (the poller can run on a read-only Orders token; see docs/operators-guide.md, Prerequisites). */
  bigcommerce: { arnVariable: 'BIGCOMMERCE_SECRET_ARN', keys: ['BIGCOMMERCE_ACCESS_TOKEN'] },
  /** OAuth 2.0 client credentials (client id, certificate id, key) or the four TBA values. */
  netsuite: {
    arnVariable: 'NETSUITE_SECRET_ARN',
    keys: [
      'NETSUITE_CLIENT_ID',
      'NETSUITE_CERTIFICATE_ID',
      'NETSUITE_PRIVATE_KEY',
      'NETSUITE_CONSUMER_KEY',
      'NETSUITE_CONSUMER_SECRET',
      'NETSUITE_TOKEN_ID',
      'NETSUITE_TOKEN_SECRET',
    ],
  },
  /** The Slack incoming webhook URL (dead-letter, digest, circuit and drift alerts). */
  slack: { arnVariable: 'SLACK_SECRET_ARN', keys: ['SLACK_WEBHOOK_URL'] },
} as const;

export type SecretBoundary = keyof typeof SECRET_BOUNDARIES;

export const SECRET_BOUNDARY_NAMES = Object.keys(SECRET_BOUNDARIES) as SecretBoundary[];

/** Every credential key, in any secret. */
export const CREDENTIAL_KEYS: readonly string[] = SECRET_BOUNDARY_NAMES.flatMap((boundary) => SECRET_BOUNDARIES[boundary].keys);

/**
 * Deployments from before the split keep one secret holding every key, named by APP_SECRET_ARN. Still read, so
 * they keep working until migrated (docs/operators-guide.md: "Migrating from the single secret").
 */
export const LEGACY_SECRET_ARN_VARIABLE = 'APP_SECRET_ARN';
