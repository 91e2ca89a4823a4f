import type { StoreDescriptor } from './types.js';

export const memcached: StoreDescriptor = {
  id: 'memcached',
  label: 'Memcached (memcache-client)',
  strategy: 'cache',
  hint: 'shared in-memory cache; evicts sessions under memory pressure',
  sessionLibrary: 'express-session',
  dependencies: ['express-session', 'memcache-client'],
  typeDependencies: ['@types/express-session'],
  env: [
    {
      name: 'MEMCACHED_SERVERS',
      value: '127.0.0.1:11211',
      example: '127.0.0.1:11211',
      description: 'Memcached servers, comma-separated host:port (sessions are spread over them by key)',
    },
    {
      name: 'MEMCACHED_PREFIX',
      value: 'sess:',
      example: 'sess:',
      description: 'Prefix of the session keys, to share one Memcached with other data or apps',
    },
  ],
  service: {
    name: 'memcached',
    image: 'memcached:1.6-alpine',
    port: 11211,
    environment: {},
    healthcheck: ['CMD-SHELL', 'echo version | nc -w 1 127.0.0.1 11211 | grep -q VERSION'],
  },
  server: { service: 'memcached', managed: true, durable: false, pausable: true, instanceServices: [] },
  loadTest: false,
  legacy: false,
  persistent: false,
  sharedAcrossInstances: true,
  notes: [
    'Sessions are Memcached items that expire on their own: every app instance pointed at the same servers shares them.',
    'Memcached is a cache: under memory pressure it evicts the least recently used items, live sessions included, which logs those users out.',
    'Nothing is written to disk: restarting Memcached logs everybody out.',
    'Rate limits are counted by each app instance on its own, not shared through Memcached.',
    'When Memcached hangs or is down the API answers 503 within about a second and recovers by itself; the app refuses to start without it.',
  ],
};
