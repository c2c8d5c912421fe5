/**
 * Where credentials come from. In AWS they live in one Secrets Manager secret (a JSON object whose keys are
 * the configuration variable names: BIGCOMMERCE_ACCESS_TOKEN, NETSUITE_*, WEBHOOK_SECRET, SLACK_WEBHOOK_URL…)
 * and the function's environment carries only its ARN, APP_SECRET_ARN. Locally there is no secret and the
 * variables come from the environment.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError } from './config.ts';

/** How long a cold-started function trusts the secret before reading it again (rotations take effect within this). */
const SECRET_MAX_AGE_SECONDS = 300;

export async function resolveEnv(env: Record<string, string | undefined> = process.env): Promise<Record<string, string | undefined>> {
  const arn = env.APP_SECRET_ARN;
  if (!arn) return env;
  const secret = await getSecret<Record<string, unknown>>(arn, { transform: 'json', maxAge: SECRET_MAX_AGE_SECONDS });
  if (!secret || typeof secret !== 'object') throw new ConfigError(`secret ${arn} is not a JSON object`, { source: 'config' });
  const values = Object.fromEntries(Object.entries(secret).filter(([, value]) => typeof value === 'string' && value !== '')) as Record<string, string>;
  return { ...env, ...values };
}
