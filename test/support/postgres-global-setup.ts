import type { TestProject } from 'vitest/node';
import { startThrowawayCluster } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway cluster's maintenance database; each test file makes its own database on it. */
    postgresUrl: string;
  }
}

/** One throwaway cluster per test run, started only when a test that needs PostgreSQL is queued. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startThrowawayCluster();
  project.provide('postgresUrl', cluster.url());
  return () => cluster.destroy();
}
