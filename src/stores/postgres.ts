import type { StoreDescriptor } from './types.js';

export const postgres: StoreDescriptor = {
  id: 'postgres',
  label: 'PostgreSQL (connect-pg-simple)',
  strategy: 'database',
  hint: 'a table in PostgreSQL; shared by every instance',
  sessionLibrary: 'express-session',
  dependencies: ['express-session', 'connect-pg-simple', 'pg'],
  typeDependencies: ['@types/express-session', '@types/connect-pg-simple', '@types/pg'],
  env: [
    {
      name: 'DATABASE_URL',
      value: 'postgres://sessions:sessions@127.0.0.1:5432/sessions',
      example: 'postgres://sessions:sessions@127.0.0.1:5432/sessions',
      description: 'PostgreSQL connection string for sessions (postgres://user:password@host:port/database)',
    },
  ],
  service: {
    name: 'postgres',
    image: 'postgres:17-alpine',
    port: 5432,
    environment: {
      POSTGRES_USER: 'sessions',
      POSTGRES_PASSWORD: 'sessions',
      POSTGRES_DB: 'sessions',
    },
    healthcheck: ['CMD-SHELL', 'pg_isready -U sessions -d sessions'],
    volume: { name: 'postgres-data', path: '/var/lib/postgresql/data' },
  },
  server: { service: 'postgres', managed: true, durable: true, pausable: false, instanceServices: ['pgbouncer'] },
  loadTest: true,
  legacy: false,
  persistent: true,
  sharedAcrossInstances: true,
  notes: [
    'Sessions are rows of a PostgreSQL table ("session"), created at boot if it is missing.',
    'Every app instance with the same DATABASE_URL shares the sessions: scale out behind any load balancer.',
    'Expired sessions are never returned, and each instance deletes expired rows about every 15 minutes.',
    'With the database down or hung, session requests answer 503 after about 2 s, and the app recovers by itself when it is back.',
  ],
};
