import type { StoreDescriptor } from './types.js';

export const memory: StoreDescriptor = {
  id: 'memory',
  label: 'Memory (memorystore)',
  strategy: 'memory',
  hint: 'in-process, lost on restart; development only',
  sessionLibrary: 'express-session',
  dependencies: ['express-session', 'memorystore'],
  typeDependencies: ['@types/express-session'],
  env: [
    {
      name: 'MEMORY_STORE_MAX',
      value: '10000',
      example: '10000',
      description: 'Most sessions kept in memory; the least recently used are dropped beyond it',
    },
  ],
  loadTest: true,
  legacy: false,
  persistent: false,
  sharedAcrossInstances: false,
  notes: [
    'Sessions live in the app process: a restart or deploy logs everybody out.',
    'Each instance has its own sessions, so it cannot run behind a load balancer without sticky sessions.',
    'Bounded by MEMORY_STORE_MAX with least-recently-used eviction and a periodic sweep of expired sessions.',
    'The app warns loudly at boot when NODE_ENV=production.',
  ],
};
