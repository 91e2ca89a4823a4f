/**
 * Which e2e file covers which store, derived from the catalogue's traits (src/stores): a new
 * store lands in one of them by its descriptor alone. test/unit/catalogue.test.ts checks that
 * every store is covered by exactly one of `embedded`, `cookies`, `servers`, `otherServers`.
 */
import { embeddedStores, serverStores, stores, type ServerStore, type StoreDescriptor } from '../../src/stores/index.js';

export interface E2eMatrix {
  /** test/e2e/embedded.test.ts: no server, but for the encrypted-cookie stores. */
  embedded: StoreDescriptor[];
  /** test/e2e/cookies.test.ts: the encrypted-cookie stores. */
  cookies: StoreDescriptor[];
  /** test/e2e/servers.test.ts: stores whose server scripts/services.sh starts. */
  servers: ServerStore[];
  /** test/e2e/servers.test.ts's last part: a server this machine cannot run (what the app does without it). */
  otherServers: ServerStore[];
  /** test/e2e/load.test.ts: the `loadTest` stores, embedded ones first. */
  load: StoreDescriptor[];
}

export function e2eMatrix(catalogue: readonly StoreDescriptor[] = stores): E2eMatrix {
  return {
    embedded: embeddedStores(catalogue).filter((store) => store.cookie !== 'encrypted'),
    cookies: catalogue.filter((store) => store.cookie === 'encrypted'),
    servers: serverStores(catalogue).filter((store) => store.server.managed),
    otherServers: serverStores(catalogue).filter((store) => !store.server.managed),
    load: [...embeddedStores(catalogue), ...serverStores(catalogue)].filter((store) => store.loadTest),
  };
}
