import type { PackageName } from '../versions.js';

export const strategies = ['memory', 'cookie', 'cache', 'database'] as const;
export type Strategy = (typeof strategies)[number];

export interface EnvVar {
  name: string;
  /** Written to the generated `.env`. */
  value: string;
  /** Written to `.env.example`. */
  example: string;
  description: string;
}

/** A docker-compose service for a store that needs a server. */
export interface ComposeService {
  name: string;
  image: string;
  port: number;
  environment: Record<string, string>;
  healthcheck: string[];
  /** Named volume and the container path it is mounted on, where data should persist. */
  volume?: { name: string; path: string };
}

/**
 * The server a store needs, as the test harness knows it (test/support/services.ts,
 * scripts/services.sh and the e2e files derive their matrices from it).
 */
export interface StoreServer {
  /** Its name in `scripts/services.sh` and test/support/services.ts (`mysql` runs on a MariaDB). */
  service: string;
  /** `scripts/services.sh` can start it on the test machines; otherwise the e2e tests use one given by TEST_*_URL, or skip. */
  managed: boolean;
  /** Its data are on disk: a session stored before the server restarts is still there after. */
  durable: boolean;
  /** One process: SIGSTOP makes it hang (instead of refuse), so the app's timeouts answer. */
  pausable: boolean;
  /** Further servers of the several-instances tests built on it (a Redis Cluster, PgBouncer…), started by `services.sh all` after the store servers. */
  instanceServices: string[];
}

export interface StoreDescriptor {
  id: string;
  label: string;
  strategy: Strategy;
  /** One line for prompts and the `stores` listing. */
  hint: string;
  /** The library that puts `req.session` on requests. */
  sessionLibrary: 'express-session' | 'cookie-session' | 'client-sessions' | 'iron-session';
  dependencies: PackageName[];
  /** Type packages needed in TypeScript projects only. */
  typeDependencies: PackageName[];
  env: EnvVar[];
  /** The generated docker-compose.yml's service for the store's server; stores without a server have none. */
  service?: ComposeService;
  /** The server the store needs (present exactly when `service` is); absent for embedded stores (in process, a local file, the cookie). */
  server?: StoreServer;
  /**
   * Stores that keep the whole session in the cookie (stateless: nothing on a server to
   * revoke at logout), and how the cookie is protected. Present exactly for the `cookie` strategy.
   */
  cookie?: 'signed' | 'encrypted';
  /** Run by the e2e load and malformed-traffic tests (test/e2e/load.test.ts), JavaScript app. */
  loadTest: boolean;
  /** Kept for users who ask for it by name; not recommended for new apps. */
  legacy: boolean;
  /** Sessions survive an app restart. */
  persistent: boolean;
  /** Several app instances see the same sessions. */
  sharedAcrossInstances: boolean;
  /** Plain-language facts the generated README and the listing repeat. */
  notes: string[];
}
