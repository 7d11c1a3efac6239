import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'data', 'coverage', 'admin/public/vendor', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core knows no channel and no database driver.
    files: ['src/domain/**/*.ts', 'src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'fastify*',
            'botbuilder*',
            'telegraf*',
            'mongoose',
            'better-sqlite3',
            'bullmq',
            'ioredis',
            '**/bots/**',
            '**/dialogs/**',
            '**/admin/**',
            '**/persistence/**',
          ],
        },
      ],
    },
  },
);
