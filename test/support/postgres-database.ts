import { basename } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

/** A database of its own for one test file on the run's throwaway cluster, named after the file. */
export async function freshDatabase(testFile: string): Promise<string> {
  const admin = new URL(inject('postgresUrl'));
  const name = `${basename(testFile).replace(/\.test\.ts$/, '').replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${process.pid}_${Date.now() % 1_000_000}`;
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  admin.pathname = `/${name}`;
  return admin.href;
}
