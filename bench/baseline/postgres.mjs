import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import pg from 'pg';
import { start } from './common.mjs';

const PgStore = connectPgSimple(session);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
pool.on('error', (err) => console.error('pg', err.message));
// Its own schema: connect-pg-simple's table.sql names the key "session_pkey" whatever the table.
await pool.query('CREATE SCHEMA IF NOT EXISTS bench_baseline');
start(new PgStore({ pool, schemaName: 'bench_baseline', tableName: 'session', createTableIfMissing: true }), { onClose: () => pool.end() });
