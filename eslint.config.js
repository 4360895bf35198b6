// ESLint runs for one rule the type checker can't give: functions stay short (≤ 60 lines of code,
// blank lines and comments not counted). Test code is exempt: a test reads best as one story.
import tseslint from 'typescript-eslint';

export default [
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test-support.ts', '**/*.contract.ts'],
    languageOptions: { parser: tseslint.parser },
    linterOptions: { reportUnusedDisableDirectives: 'error', noInlineConfig: true },
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
];
