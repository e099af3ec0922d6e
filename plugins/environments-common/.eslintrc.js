module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Template tests assert through the expectInvalid helper.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expectInvalid'] },
    ],
  },
});
