import type { StoreDescriptor } from './types.js';

export const clientSessions: StoreDescriptor = {
  id: 'client-sessions',
  label: 'Encrypted cookie (client-sessions)', // prompts and listings add "legacy" from `legacy: true`
  strategy: 'cookie',
  hint: 'encrypted cookie from a library unmaintained upstream since 2020; prefer iron-session',
  sessionLibrary: 'client-sessions',
  dependencies: ['client-sessions'],
  typeDependencies: ['@types/client-sessions'],
  env: [],
  cookie: 'encrypted',
  loadTest: false,
  legacy: true,
  persistent: true,
  sharedAcrossInstances: true,
  notes: [
    'Legacy: client-sessions (Mozilla, MPL-2.0) is unmaintained upstream (no commit since 2020). Offered because apps still ask for it by name; new apps should use iron-session.',
    'The whole session travels in an encrypted, signed cookie (AES-256-CBC + HMAC-SHA256): nothing to run, scales out for free.',
    'Browsers cap a cookie at about 4 KB; the app refuses to store more, with a clear error.',
    'A copied cookie cannot be revoked before it expires: short idle and absolute timeouts and secret rotation limit the damage.',
  ],
};
