// Lint for everything but the n8n pack (which n8n's own `n8n-node lint` checks, see lint:n8n).
// TypeScript gets typescript-eslint's type-aware recommended rules; JavaScript the untyped ones.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS_FILES = ['server/**/*.ts', 'queues/**/*.ts', 'test/**/*.ts', 'sdk/typescript/src/**/*.ts'];
const JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs'];

export default tseslint.config(
  {
    ignores: [
      'packages/n8n-nodes-openclaw/**',
      'test/fixtures/legacy-v1/**',
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      'sdk/python/**',
      '.bench/**',
      'test-output/**',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: TS_FILES,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['test/**/*.ts'],
    // Tests read JSON bodies as untyped values and assert on them with expect: typing every body adds nothing a failing assertion does not already show.
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: JS_FILES,
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.browser }, sourceType: 'module' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.cjs', 'integrations/**/*.js', 'bin/**/*.js', 'bench/**/*.js', 'jest*.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.jest } },
  },
  {
    // A leading underscore marks a binding kept on purpose (tsc's noUnusedParameters convention):
    // a parameter a signature needs, or a field dropped from a rest copy.
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
);
