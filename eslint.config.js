// ESLint (flat config) with typescript-eslint. The boundary rules encode the architecture:
// collector areas never import each other, the host layer knows no collector, and
// collectors never touch prom-client or OpenTelemetry (the catalog and the event pipeline do).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const AREAS = [
  'browsers',
  'cloud',
  'configuration',
  'containers',
  'devices',
  'files',
  'network',
  'processes',
  'security',
  'services',
  'software',
  'supply_chain',
  'system',
  'users',
];

/** Matches a relative import of one of `areas` from anywhere under src/. */
const areaImport = (areas) => `^(\\.\\./)+(collectors/)?(${areas.join('|')})/`;

const NO_EXPORTERS = [{ name: 'prom-client', message: 'Collectors return fact tables; the catalog (metrics/*.yaml) makes the series.' }];
const NO_OTEL = { regex: '^@opentelemetry/', message: 'Collectors return fact tables; drift events come from src/drift and src/events.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'test-results/**', 'helm/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      // Node's globals, for the .js/.mjs scripts (TypeScript checks its own files).
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'Buffer',
          'URL',
          'URLSearchParams',
          'fetch',
          'AbortController',
          'AbortSignal',
          'performance',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'structuredClone',
          'TextDecoder',
          'TextEncoder',
        ].map((g) => [g, 'readonly']),
      ),
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Parsers of kernel and binary formats match NUL and control bytes on purpose.
      'no-control-regex': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Errors name the file and the reason in their message already; attaching causes is a later, separate change.
      'preserve-caught-error': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off' },
  },
  {
    // Host data is typed where it enters (parsers, API responses); tests may hold foreign JSON loosely.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['test/**/*.ts', 'test/**/*.mjs'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...AREAS.map((area) => ({
    files: [`src/collectors/${area}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: NO_EXPORTERS,
          patterns: [
            {
              regex: areaImport(AREAS.filter((a) => a !== area)),
              message: `Collector areas never import each other: shared host access goes to src/host/, shared collector helpers to src/collectors/toolkit/.`,
            },
            NO_OTEL,
          ],
        },
      ],
    },
  })),
  {
    // The shared collector toolkit serves every area and imports none.
    files: ['src/collectors/toolkit/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: NO_EXPORTERS, patterns: [{ regex: areaImport(AREAS), message: 'The collector toolkit imports no collector area.' }, NO_OTEL] },
      ],
    },
  },
  {
    files: ['src/host/**/*.ts', 'src/util/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '(^|/)collectors/', message: 'The host layer and the utilities know no collector: collectors import them, never the reverse.' }],
        },
      ],
    },
  },
);
