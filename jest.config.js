/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 180_000,
  // The end-to-end files share one Temporal server, one chain and one signer: run them one at a time.
  maxWorkers: 1,
  // A failed end-to-end file can leave a socket or child process behind; the run still ends with its results
  // instead of waiting for CI's limit.
  forceExit: true,
};
