import type { StoreDescriptor } from './types.js';

export const redis: StoreDescriptor = {
  id: 'redis',
  label: 'Redis (connect-redis + node-redis)',
  strategy: 'cache',
  hint: 'shared, fast, expires sessions itself; needs a Redis server (Cluster/Sentinel too)',
  sessionLibrary: 'express-session',
  dependencies: ['express-session', 'connect-redis', 'redis', 'rate-limit-redis'],
  typeDependencies: ['@types/express-session'],
  env: [
    {
      name: 'REDIS_URL',
      value: 'redis://127.0.0.1:6379',
      example: 'redis://127.0.0.1:6379',
      description: 'Redis server URL (redis://[user:password@]host:port[/db]; rediss:// for TLS)',
    },
    {
      name: 'REDIS_CLUSTER_NODES',
      value: '',
      example: '',
      description: 'Redis Cluster: comma-separated node URLs (a few are enough); takes precedence over REDIS_URL',
    },
    {
      name: 'REDIS_SENTINELS',
      value: '',
      example: '',
      description: 'Redis Sentinel: comma-separated sentinel host:port list, with REDIS_SENTINEL_NAME; REDIS_URL then only gives the master\'s credentials',
    },
    {
      name: 'REDIS_SENTINEL_NAME',
      value: '',
      example: '',
      description: 'Redis Sentinel: the monitored master name (e.g. mymaster)',
    },
    {
      name: 'REDIS_PREFIX',
      value: '',
      example: '',
      description: 'Prefix of every key the app writes (sessions; rate-limit counters follow it with rl:); empty: the app\'s name + :sess: (<name>:sess:), so apps sharing one Redis or Cluster stay apart',
    },
  ],
  service: {
    name: 'redis',
    image: 'redis:7.4-alpine',
    port: 6379,
    environment: {},
    healthcheck: ['CMD', 'redis-cli', 'ping'],
    volume: { name: 'redis-data', path: '/data' },
  },
  server: { service: 'redis', managed: true, durable: false, pausable: true, instanceServices: ['redis-cluster', 'redis-sentinel'] },
  loadTest: true,
  legacy: false,
  persistent: true,
  sharedAcrossInstances: true,
  notes: [
    'Sessions are Redis keys that expire on their own: every app instance pointed at the same Redis shares them.',
    'Fast (two round trips per request with a session) and survives app restarts; survives Redis restarts only with Redis persistence (RDB/AOF) on.',
    'Redis is memory-bound: size it for your sessions, and use a noeviction or volatile-* policy so live sessions are not evicted.',
    'Redis Cluster (REDIS_CLUSTER_NODES) and Sentinel (REDIS_SENTINELS) are supported through configuration.',
    'Rate limits are counted in Redis too, so every instance shares them.',
    'When Redis is down the API answers 503 at once (within 2 s when it hangs) and the app reconnects by itself; it refuses to start without Redis.',
  ],
};
