/**
 * One Secrets Manager secret per trust boundary (functions/common/secret-boundaries.ts): webhook, BigCommerce,
 * NetSuite, Slack. Each is a JSON object keyed by configuration variable name, created with its keys present and
 * empty (the webhook secret is generated); the operator fills them in after the first deploy. A function gets
 * the ARN of each secret it reads, and read access to those only (`grantRead`).
 *
 * With `appSecretName` in context, an existing single secret (the layout before the split) is imported instead
 * and every function reads it: it keeps old deployments working until they migrate, at the cost of the split.
 */
import { Annotations, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { LEGACY_SECRET_ARN_VARIABLE, SECRET_BOUNDARIES, SECRET_BOUNDARY_NAMES, type SecretBoundary } from '../../functions/common/secret-boundaries.ts';

/** The generated key: long enough for the webhook's 16-character minimum, no punctuation to trip a header. */
export const GENERATED_KEY = 'WEBHOOK_SECRET';

const DESCRIPTIONS: Record<SecretBoundary, string> = {
  webhook: 'bc-netsuite-sync webhook secret (generated) and optional signing secret; read by the webhook function only.',
  bigcommerce: 'bc-netsuite-sync BigCommerce API token; read by the poller, worker and SKU refresh. Fill in after the first deploy.',
  netsuite: 'bc-netsuite-sync NetSuite credentials (OAuth 2.0 or TBA); read by the worker, SKU refresh and reconciler. Fill in after the first deploy.',
  slack: 'bc-netsuite-sync Slack incoming webhook URL; read by the notifier and reconciler. Fill in after the first deploy.',
};

export interface AppSecretsProps {
  /** Import this existing single secret (the pre-split layout) instead of creating one per boundary. */
  legacySecretName?: string;
}

export class AppSecrets extends Construct {
  /** The secret of each boundary; in legacy mode the same imported secret for all. */
  readonly secrets: Record<SecretBoundary, ISecret>;
  readonly legacy: ISecret | undefined;

  constructor(scope: Construct, id: string, props: AppSecretsProps = {}) {
    super(scope, id);
    if (props.legacySecretName) {
      this.legacy = Secret.fromSecretNameV2(this, 'Legacy', props.legacySecretName);
      this.secrets = Object.fromEntries(SECRET_BOUNDARY_NAMES.map((boundary) => [boundary, this.legacy!])) as Record<SecretBoundary, ISecret>;
      Annotations.of(this).addWarningV2(
        'bc-netsuite-sync:single-secret',
        `appSecretName=${props.legacySecretName}: every function can read every credential in that one secret. Migrate to one secret per trust boundary (docs/operators-guide.md: "Migrating from the single secret").`,
      );
      return;
    }
    const created = {} as Record<SecretBoundary, ISecret>;
    for (const boundary of SECRET_BOUNDARY_NAMES) created[boundary] = this.create(boundary);
    this.secrets = created;
  }

  /** Environment variables naming the secrets of `boundaries`, and read access to those secrets only. */
  bind(grantee: IGrantable, boundaries: readonly SecretBoundary[]): Record<string, string> {
    if (this.legacy) {
      this.legacy.grantRead(grantee);
      return { [LEGACY_SECRET_ARN_VARIABLE]: this.legacy.secretArn };
    }
    return Object.fromEntries(
      boundaries.map((boundary) => {
        this.secrets[boundary].grantRead(grantee);
        return [SECRET_BOUNDARIES[boundary].arnVariable, this.secrets[boundary].secretArn];
      }),
    );
  }

  private create(boundary: SecretBoundary): Secret {
    const keys = SECRET_BOUNDARIES[boundary].keys as readonly string[];
    const id = `${boundary[0]!.toUpperCase()}${boundary.slice(1)}Secret`;
    // Never change these initial values: CloudFormation writes a new value when they change, wiping the
    // credentials an operator put in. A test pins them.
    const secret =
      boundary === 'webhook'
        ? new Secret(this, id, {
            description: DESCRIPTIONS[boundary],
            generateSecretString: {
              secretStringTemplate: JSON.stringify(Object.fromEntries(keys.filter((key) => key !== GENERATED_KEY).map((key) => [key, '']))),
              generateStringKey: GENERATED_KEY,
              passwordLength: 48,
              excludePunctuation: true,
            },
            removalPolicy: RemovalPolicy.RETAIN,
          })
        : new Secret(this, id, {
            description: DESCRIPTIONS[boundary],
            // Empty placeholders, so the JSON layout is visible in the console; no credential is ever in the template.
            secretObjectValue: Object.fromEntries(keys.map((key) => [key, SecretValue.unsafePlainText('')])),
            // Holds credentials someone set up by hand: deleting the stack must not delete them.
            removalPolicy: RemovalPolicy.RETAIN,
          });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'It holds credentials issued and revoked in other systems (the BigCommerce API account, the NetSuite integration and certificate, Slack); no rotation function can reissue them. docs/operators-guide.md describes rotating each, the webhook secret included.',
    });
    return secret;
  }
}
