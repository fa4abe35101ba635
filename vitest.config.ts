import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that need PostgreSQL: the run starts one throwaway cluster for them, and only when one of them is queued. */
const POSTGRES_TESTS = ['test/integration/storage-contract.test.ts', 'test/**/*.postgres.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...POSTGRES_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_TESTS,
          globalSetup: ['test/support/postgres-global-setup.ts'],
          // initdb and a cold start share two cores with everything else on a CI machine.
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
