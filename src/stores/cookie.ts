import type { StoreDescriptor } from './types.js';

export const cookie: StoreDescriptor = {
  id: 'cookie',
  label: 'Signed cookie (cookie-session)',
  strategy: 'cookie',
  hint: 'whole session in a signed cookie; no server, readable by the client',
  sessionLibrary: 'cookie-session',
  dependencies: ['cookie-session'],
  typeDependencies: [], // src/cookie-session.d.ts types it: @types/cookie-session makes req.session nullable
  env: [],
  cookie: 'signed',
  loadTest: false,
  legacy: false,
  persistent: true,
  sharedAcrossInstances: true,
  notes: [
    'The whole session travels in the cookie: nothing to run, scales out for free.',
    'Signed, not encrypted: the client can read (but not change) what is stored. Never put secrets in it.',
    'Browsers cap a cookie at about 4 KB; the app refuses to store more, with a clear error.',
    'A copied cookie cannot be revoked before it expires: short idle and absolute timeouts and secret rotation limit the damage.',
  ],
};
