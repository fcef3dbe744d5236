// ESLint flat config for the whole monorepo (STYLE.md §4.14). Formatting belongs to Prettier;
// this file only holds rules about meaning and structure.
//
// NOTE: rules are syntactic only (no type information), so `eslint .` stays fast. Typed rules
// such as no-floating-promises need a tsconfig.json that covers every file (packages have only
// tsconfig.build.json, which excludes tests); see docs/decisions.md before enabling them.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const deepImport = {
  regex: '^@berth/[^/]+/(src|dist)(/|$)',
  message: "Import the package's entry point or a declared subpath export, not its files (STYLE.md §4.11).",
};
const testkitImport = {
  regex: '^@berth/testkit(/|$)',
  message: '@berth/testkit is for tests only: import it from *.test.ts or test/ files.',
};

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'proto/src/gen/**',
      '.nx/**',
      'bench/results/**',
      'native/**/build/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      'no-restricted-imports': ['error', { patterns: [deepImport, testkitImport] }],
    },
  },
  {
    // Tests, system tests, benchmarks and the testkit itself may use the testkit.
    files: ['**/*.test.ts', '**/test/**', 'bench/**', 'libs/testkit/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [deepImport] }],
    },
  },
);
