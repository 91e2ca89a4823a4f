import type { StoreDescriptor } from './types.js';

export const mysql: StoreDescriptor = {
  id: 'mysql',
  label: 'MySQL / MariaDB (mysql2)',
  strategy: 'database',
  hint: 'a table in MySQL or MariaDB; shared by every instance',
  sessionLibrary: 'express-session',
  dependencies: ['express-session', 'mysql2'],
  typeDependencies: ['@types/express-session'],
  env: [
    {
      name: 'DATABASE_URL',
      value: 'mysql://sessions:sessions@127.0.0.1:3306/sessions',
      example: 'mysql://sessions:sessions@127.0.0.1:3306/sessions',
      description: 'MySQL or MariaDB connection string for sessions (mysql://user:password@host:port/database)',
    },
  ],
  service: {
    name: 'mariadb',
    image: 'mariadb:11.4',
    port: 3306,
    environment: {
      MARIADB_USER: 'sessions',
      MARIADB_PASSWORD: 'sessions',
      MARIADB_DATABASE: 'sessions',
      MARIADB_RANDOM_ROOT_PASSWORD: '1',
    },
    healthcheck: ['CMD', 'healthcheck.sh', '--connect', '--innodb_initialized'],
    volume: { name: 'mariadb-data', path: '/var/lib/mysql' },
  },
  server: { service: 'mysql', managed: true, durable: true, pausable: false, instanceServices: [] },
  loadTest: false,
  legacy: false,
  persistent: true,
  sharedAcrossInstances: true,
  notes: [
    'Sessions are rows of a MySQL or MariaDB table ("sessions"), created at boot if it is missing.',
    'Every app instance with the same DATABASE_URL shares the sessions: scale out behind any load balancer.',
    'The store is a small class of the app itself (src/mysql-store) on the mysql2 driver.',
    'Expired sessions are never returned, and each instance deletes expired rows every 15 minutes, in batches.',
    'With the database down or hung, session requests answer 503 after about 2 s, and the app recovers by itself when it is back.',
  ],
};
