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
import { strategies, type EnvVar, type Strategy, type StoreDescriptor, type StoreServer } from './types.js';

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

// ------------------------------------------------------------------ traits
// What the tests, scripts and docs derive from the descriptors. Each takes the catalogue as a
// parameter (default: the real one) so a test can show what a new store changes.

/** A store that needs a server, with that server. */
export type ServerStore = StoreDescriptor & { server: StoreServer };

/** The whole session is in the cookie: no server-side id to regenerate, and logout cannot revoke a copied cookie. */
export function isStateless(store: StoreDescriptor): boolean {
  return store.cookie !== undefined;
}

export function statelessStores(catalogue: readonly StoreDescriptor[] = stores): StoreDescriptor[] {
  return catalogue.filter(isStateless);
}

/** Stores that need a server (in catalogue order). */
export function serverStores(catalogue: readonly StoreDescriptor[] = stores): ServerStore[] {
  return catalogue.filter((store): store is ServerStore => store.server !== undefined);
}

/** Stores with no server of their own: the session lives in the process, a local file or the cookie. */
export function embeddedStores(catalogue: readonly StoreDescriptor[] = stores): StoreDescriptor[] {
  return catalogue.filter((store) => store.server === undefined);
}

/** The servers the tests talk to, by service name: every server store's, then the several-instances ones. */
export function testServices(catalogue: readonly StoreDescriptor[] = stores): string[] {
  const servers = serverStores(catalogue);
  return unique([...servers.map((s) => s.server.service), ...servers.flatMap((s) => s.server.instanceServices)]);
}

/**
 * The services `scripts/services.sh all` starts for the catalogue, in order: the managed
 * store servers, then the servers of the several-instances tests built on them.
 */
export function managedServices(catalogue: readonly StoreDescriptor[] = stores): string[] {
  const managed = serverStores(catalogue).filter((s) => s.server.managed);
  return unique([...managed.map((s) => s.server.service), ...managed.flatMap((s) => s.server.instanceServices)]);
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

export { strategies, type Strategy, type StoreDescriptor, type StoreServer, type EnvVar };
