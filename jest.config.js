/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/__test__'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/__test__/support/global-setup.js',
  testTimeout: 30000,
  // Brokers and child processes per file: one file at a time keeps a 2-core
  // machine from timing out on CPU starvation.
  maxWorkers: 1,
}
