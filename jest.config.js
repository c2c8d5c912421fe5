/**
 * Jest runs our TypeScript as native ESM (the code imports `.ts` paths and uses got/middy, which are ESM-only).
 * @swc/jest strips types quickly; `npm run typecheck` is the type gate.
 * DynamoDB Local is started once for the whole run by the global setup.
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFiles: ['<rootDir>/test/support/test-environment.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
};
