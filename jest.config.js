/**
 * jest runs TypeScript through @swc/jest (no type-check here: `npm run typecheck` does that).
 * middy, jose, openid-client and oauth4webapi are ESM-only: swc transforms them, and @middy/* maps to
 * its index.js. (oidc-provider, also ESM-only, runs in a process of its own: scripts/local/oidc-idp-process.ts.)
 *
 * The tests run in lanes named by what they need (docs/development.md); `npm test` runs them all,
 * `npm run test:<lane>` one of them:
 * - unit: one Node process (no child process, no package, no browser);
 * - loopback: servers this process starts on 127.0.0.1 (the SageMaker emulator, IdPs, dynalite, the scripts);
 * - package: `serverless package`, cfn-lint, and the bundles esbuild builds;
 * - stack: the local stack under serverless-offline (the API, the README's demo, the doctor), and the browser (chromium).
 */
const base = {
  testEnvironment: '<rootDir>/test/support/node-environment.js',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose|openid-client|oauth4webapi)/)'],
  moduleNameMapper: {
    '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
};

const PACKAGE = ['<rootDir>/test/integration/serverless-package.test.ts', '<rootDir>/test/integration/bundles.test.ts'];
const STACK = [
  '<rootDir>/test/integration/local-api.test.ts',
  '<rootDir>/test/integration/doctor.test.ts',
  '<rootDir>/test/browser/**/*.test.ts',
];

const lane = (displayName, testMatch, testPathIgnorePatterns = []) => ({
  ...base,
  displayName,
  testMatch,
  testPathIgnorePatterns: ['/node_modules/', ...testPathIgnorePatterns],
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    lane('unit', ['<rootDir>/test/{unit,properties,policies,hostile}/**/*.test.ts']),
    lane(
      'loopback',
      ['<rootDir>/test/{integration,faults,load}/**/*.test.ts'],
      [
        '/test/integration/serverless-package.test.ts',
        '/test/integration/bundles.test.ts',
        '/test/integration/local-api.test.ts',
        '/test/integration/doctor.test.ts',
      ],
    ),
    lane('package', PACKAGE),
    lane('stack', STACK),
  ],
  // Most of the slow suites wait on sockets and deadlines, not the CPU: two workers on a 2-core
  // machine overlap those waits (jest's default there is one).
  maxWorkers: 2,
  testTimeout: 20000,
};
