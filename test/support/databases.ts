/**
 * The test databases (`sessions_test`) the PostgreSQL and MySQL/MariaDB e2e tests use.
 * A server that answers does not mean the database is there: on a fresh machine only
 * `scripts/services.sh` used to create it. The e2e global setup calls `ensureTestDatabase`
 * for each server that answers, so `npm test` needs no step of its own before it.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

export type DatabaseService = 'postgres' | 'mysql';

/** What went wrong, or undefined when the database named in `url` exists and takes a query. */
export async function databaseProblem(service: DatabaseService, url: string): Promise<string | undefined> {
  try {
    await query(service, url, 'select 1');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Create the database named in `url` when it is missing, connecting to the server's
 * maintenance database with the same user. Returns 'exists', 'created', or the reason it
 * could not (no server, no rights) as an Error: the caller decides whether that skips or fails.
 */
export async function ensureTestDatabase(service: DatabaseService, url: string): Promise<'exists' | 'created' | Error> {
  if ((await databaseProblem(service, url)) === undefined) return 'exists';
  const name = databaseName(url);
  try {
    if (service === 'postgres') {
      // CREATE DATABASE has no IF NOT EXISTS in PostgreSQL; a concurrent creator answers 42P04.
      await query(service, withDatabase(url, 'postgres'), `create database "${name}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err;
      });
    } else {
      await query(service, withDatabase(url, ''), `create database if not exists \`${name}\``);
    }
  } catch (err) {
    return new Error(`cannot create database ${name} at ${redact(url)}: ${(err as Error).message}`);
  }
  const problem = await databaseProblem(service, url);
  return problem === undefined ? 'created' : new Error(`created ${name} but cannot use it: ${problem}`);
}

/** Drop the database named in `url` (for the test that starts without one). */
export async function dropTestDatabase(service: DatabaseService, url: string): Promise<void> {
  const name = databaseName(url);
  if (service === 'postgres') await query(service, withDatabase(url, 'postgres'), `drop database if exists "${name}"`);
  else await query(service, withDatabase(url, ''), `drop database if exists \`${name}\``);
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`test database name must be letters, digits and _: ${url}`);
  return name;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

async function query(service: DatabaseService, url: string, sql: string): Promise<void> {
  if (service === 'postgres') {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      await client.query(sql);
    } finally {
      await client.end().catch(() => {});
    }
  } else {
    const conn = await mysql.createConnection({ uri: url, connectTimeout: 5_000 });
    try {
      await conn.query(sql);
    } finally {
      await conn.end().catch(() => {});
    }
  }
}
