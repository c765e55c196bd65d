/**
 * jest runs TypeScript through @swc/jest (no type-check here: `npm run typecheck` does that).
 * middy, jose, openid-client and oauth4webapi are ESM-only: swc transforms them, and @middy/* maps to
 * its index.js. (oidc-provider, also ESM-only, runs in a process of its own: scripts/local/oidc-idp-process.ts.)
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/support/node-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose|openid-client|oauth4webapi)/)'],
  moduleNameMapper: {
    '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  testTimeout: 20000,
};
