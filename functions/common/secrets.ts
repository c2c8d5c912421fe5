/**
 * Where credentials come from. In AWS they live in one Secrets Manager secret per trust boundary (see
 * secret-boundaries.ts), and the function's environment carries only the ARNs of the secrets it may read. Each
 * secret contributes only its own boundary's keys, so a key put in the wrong secret is ignored rather than
 * widening what a function holds. Locally there are no secrets and the variables come from the environment.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError } from './config.ts';
import { CREDENTIAL_KEYS, LEGACY_SECRET_ARN_VARIABLE, SECRET_BOUNDARIES, SECRET_BOUNDARY_NAMES } from './secret-boundaries.ts';

/** How long a cold-started function trusts a secret before reading it again (rotations take effect within this). */
const SECRET_MAX_AGE_SECONDS = 300;

type Env = Record<string, string | undefined>;

export async function resolveEnv(env: Env = process.env, read: (arn: string) => Promise<unknown> = readSecret): Promise<Env> {
  const sources: Array<{ arn: string; keys: readonly string[] }> = SECRET_BOUNDARY_NAMES.flatMap((boundary) => {
    const arn = env[SECRET_BOUNDARIES[boundary].arnVariable];
    return arn ? [{ arn, keys: SECRET_BOUNDARIES[boundary].keys }] : [];
  });
  const legacy = env[LEGACY_SECRET_ARN_VARIABLE];
  if (legacy) sources.push({ arn: legacy, keys: CREDENTIAL_KEYS });
  const values = await Promise.all(
    sources.map(async ({ arn, keys }) => {
      const secret = await read(arn);
      if (!secret || typeof secret !== 'object') throw new ConfigError(`secret ${arn} is not a JSON object`, { source: 'config' });
      return Object.entries(secret).filter(([key, value]) => keys.includes(key) && typeof value === 'string' && value !== '') as Array<[string, string]>;
    }),
  );
  return { ...env, ...Object.fromEntries(values.flat()) };
}

function readSecret(arn: string): Promise<unknown> {
  return getSecret<Record<string, unknown>>(arn, { transform: 'json', maxAge: SECRET_MAX_AGE_SECONDS });
}
