import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { start } from './common.mjs';

const client = createClient({ url: process.env.REDIS_URL });
client.on('error', (err) => console.error('redis', err.message));
await client.connect();
start(new RedisStore({ client, prefix: 'bench-baseline:' }), { onClose: () => client.quit() });
