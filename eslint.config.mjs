import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Module boundaries (STYLE: dependencies point one way): libs never import apps; apps import
// libs; only the launcher (apps/server) composes the ingress and worker apps.
export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.nx/**', 'coverage/**', '.data/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // apps/server is the composition root that runs ingress and worker in one process
          // (SLUICE_ROLE=all); it is the only importer of apps (docs/adr/0001).
          allow: ['@sluice/ingress', '@sluice/worker'],
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:launcher', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The allow list above lets apps/server import the two apps; nothing else may.
    files: ['libs/**/*.ts', 'apps/ingress/**/*.ts', 'apps/worker/**/*.ts', 'apps/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@sluice/ingress', message: 'Only apps/server composes the apps.' },
            { name: '@sluice/worker', message: 'Only apps/server composes the apps.' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@sluice/ingress', message: 'libs never import apps.' },
            { name: '@sluice/worker', message: 'libs never import apps.' },
            { name: 'express', message: 'libs stay free of Express; only apps/ingress uses it.' },
            { name: 'bullmq', importNames: ['Worker'], message: 'libs never run a BullMQ Worker; apps/worker does.' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Only libs/config reads process.env.' },
      ],
    },
  },
  {
    files: ['libs/config/**/*.ts', 'apps/*/src/main.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
