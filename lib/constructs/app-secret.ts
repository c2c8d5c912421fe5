/**
 * The one Secrets Manager secret holding every credential, as a JSON object keyed by configuration variable
 * name (functions/common/secrets.ts merges it over the environment at cold start; empty values are ignored).
 * Functions get only its ARN, as APP_SECRET_ARN, and read access when they need it.
 *
 * By default the stack creates it with every key present and empty, except WEBHOOK_SECRET, which Secrets
 * Manager generates; the operator fills in the rest after the first deploy. With `appSecretName` in context an
 * existing secret is used instead.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Every key the functions read from the secret. */
export const APP_SECRET_KEYS = [
  'BIGCOMMERCE_ACCESS_TOKEN',
  // NETSUITE_AUTH=oauth2 (recommended): the integration's client id and the M2M certificate.
  'NETSUITE_CLIENT_ID',
  'NETSUITE_CERTIFICATE_ID',
  'NETSUITE_PRIVATE_KEY',
  // NETSUITE_AUTH=tba: existing token-based integrations.
  'NETSUITE_CONSUMER_KEY',
  'NETSUITE_CONSUMER_SECRET',
  'NETSUITE_TOKEN_ID',
  'NETSUITE_TOKEN_SECRET',
  'WEBHOOK_SECRET',
  'WEBHOOK_SIGNING_SECRET',
  'SLACK_WEBHOOK_URL',
] as const;

export type AppSecretKey = (typeof APP_SECRET_KEYS)[number];

/** The generated key: long enough for the webhook's 16-character minimum, no punctuation to trip a header. */
export const GENERATED_KEY: AppSecretKey = 'WEBHOOK_SECRET';

export interface AppSecretProps {
  /** Use this existing secret (by name) instead of creating one. */
  existingSecretName?: string;
}

export class AppSecret extends Construct {
  readonly secret: ISecret;

  constructor(scope: Construct, id: string, props: AppSecretProps = {}) {
    super(scope, id);
    if (props.existingSecretName) {
      this.secret = Secret.fromSecretNameV2(this, 'Imported', props.existingSecretName);
      return;
    }
    const template = Object.fromEntries(APP_SECRET_KEYS.filter((key) => key !== GENERATED_KEY).map((key) => [key, '']));
    this.secret = new Secret(this, 'Secret', {
      description: 'bc-netsuite-sync credentials: BigCommerce token, NetSuite credentials, webhook secret, Slack webhook URL. Fill in after the first deploy.',
      // Never change this template: CloudFormation generates a new value when it changes, wiping the
      // credentials an operator has put in. The key list above is pinned by a test for that reason.
      generateSecretString: {
        secretStringTemplate: JSON.stringify(template),
        generateStringKey: GENERATED_KEY,
        passwordLength: 48,
        excludePunctuation: true,
      },
      // Holds credentials someone set up by hand: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'It holds credentials issued and revoked in other systems (the BigCommerce API account, the NetSuite integration and certificate, Slack); no rotation function can reissue them. The README describes rotating each, the webhook secret included.',
    });
  }
}
