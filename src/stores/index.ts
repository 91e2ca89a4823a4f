import { clientSessions } from './client-sessions.js';
import { cookie } from './cookie.js';
import { ironSession } from './iron-session.js';
import { memcached } from './memcached.js';
import { memory } from './memory.js';
import { mongodb } from './mongodb.js';
import { mysql } from './mysql.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';
import { sqlite } from './sqlite.js';
import { strategies, type EnvVar, type Strategy, type StoreDescriptor } from './types.js';

/** The catalogue, in the order prompts and listings show it. Adding a store = one line here. */
export const stores: readonly StoreDescriptor[] = [memory, cookie, ironSession, clientSessions, redis, memcached, postgres, mysql, mongodb, sqlite];

/** The store each strategy picks when only the strategy is given. */
const preferredDefaults: Record<Strategy, string[]> = {
  memory: ['memory'],
  cookie: ['cookie'],
  cache: ['redis'],
  database: ['sqlite'],
};

export const defaultStoreId = 'sqlite';

export function findStore(id: string): StoreDescriptor | undefined {
  return stores.find((store) => store.id === id);
}

export function storesOf(strategy: Strategy): StoreDescriptor[] {
  return stores.filter((store) => store.strategy === strategy);
}

/** Strategies that have at least one store in the catalogue. */
export function availableStrategies(): Strategy[] {
  return strategies.filter((strategy) => storesOf(strategy).length > 0);
}

export function defaultStoreOf(strategy: Strategy): StoreDescriptor {
  const candidates = storesOf(strategy);
  const preferred = preferredDefaults[strategy]
    .map((id) => candidates.find((store) => store.id === id))
    .find((store) => store !== undefined);
  const chosen = preferred ?? candidates[0];
  if (!chosen) throw new Error(`No store in the catalogue for strategy "${strategy}"`);
  return chosen;
}

export { strategies, type Strategy, type StoreDescriptor, type EnvVar };
