// One jest run for the whole repo. Unit specs live beside the code (*.spec.ts); integration,
// e2e and fault tests live under test/ and talk to a real Redis (see test/README.md).
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target}`,
  ]),
);

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    '^.+\\.lua$': '<rootDir>/test/support/text-transform.js',
    // ESM-only packages (jose, and the test oracle @octokit/webhooks-methods) become CommonJS for jest.
    '^.+/node_modules/(@octokit|jose)/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@octokit|jose)/)'],
  moduleFileExtensions: ['ts', 'js', 'json', 'lua'],
  moduleNameMapper: {
    ...moduleNameMapper,
    // Exports an `import` condition only; point jest's require-based resolver at the file.
    '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
  },
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/{integration,e2e,faults}/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      testTimeout: 30000,
    },
  ],
};
