module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // Sandbox scenarios assert through the suite's expectPriorityClash.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expectPriorityClash'] },
    ],
  },
});
