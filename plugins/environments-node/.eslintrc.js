module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // The driver contract suite is a test factory: other packages' tests
      // call it, so it exports what it declares.
      files: ['src/testUtils/driverContract.ts'],
      rules: { 'jest/no-export': 'off' },
    },
  ],
});
