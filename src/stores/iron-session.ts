import type { StoreDescriptor } from './types.js';

export const ironSession: StoreDescriptor = {
  id: 'iron-session',
  label: 'Encrypted cookie (iron-session)',
  strategy: 'cookie',
  hint: 'whole session in an encrypted cookie; no server, unreadable by the client (recommended)',
  sessionLibrary: 'iron-session',
  dependencies: ['iron-session'],
  typeDependencies: [],
  env: [],
  cookie: 'encrypted',
  loadTest: false,
  legacy: false,
  persistent: true,
  sharedAcrossInstances: true,
  notes: [
    'The whole session travels in the cookie, sealed (encrypted and signed) by iron-session: nothing to run, scales out for free.',
    'The client can neither read nor change what is stored; every SESSION_SECRET must be at least 32 characters.',
    'Browsers cap a cookie at about 4 KB; the app refuses to store more, with a clear error.',
    'A copied cookie cannot be revoked before it expires: short idle and absolute timeouts and secret rotation limit the damage.',
  ],
};
