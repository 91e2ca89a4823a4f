import type { StoreDescriptor } from './types.js';

export const mongodb: StoreDescriptor = {
  id: 'mongodb',
  label: 'MongoDB (connect-mongo)',
  strategy: 'database',
  hint: 'a collection in MongoDB with a TTL index; shared by every instance',
  sessionLibrary: 'express-session',
  dependencies: ['express-session', 'connect-mongo', 'mongodb'],
  typeDependencies: ['@types/express-session'],
  env: [
    {
      name: 'MONGODB_URL',
      value: 'mongodb://127.0.0.1:27017/sessions',
      example: 'mongodb://127.0.0.1:27017/sessions',
      description: 'MongoDB connection string for sessions (mongodb:// or mongodb+srv://; the path names the database)',
    },
    {
      name: 'MONGODB_COLLECTION',
      value: 'sessions',
      example: 'sessions',
      description: 'Collection that holds the sessions (connect-mongo creates its TTL index at boot)',
    },
  ],
  service: {
    name: 'mongodb',
    image: 'mongo:8.0',
    port: 27017,
    environment: {},
    healthcheck: ['CMD', 'mongosh', '--quiet', '--eval', "db.adminCommand('ping').ok"],
    volume: { name: 'mongodb-data', path: '/data/db' },
  },
  server: { service: 'mongodb', managed: false, durable: true, pausable: false, instanceServices: [] },
  loadTest: false,
  legacy: false,
  persistent: true,
  sharedAcrossInstances: true,
  notes: [
    'Sessions are documents in a MongoDB collection: every app instance pointed at the same database shares them.',
    'A TTL index deletes expired sessions on the server (within about a minute); expired ones are never returned before that.',
    'A replica set (or Atlas) gives failover: the driver follows the new primary by itself.',
    'When MongoDB is down the API answers 503 within 2 s and the app reconnects by itself; it refuses to start without MongoDB.',
  ],
};
