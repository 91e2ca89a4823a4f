import type { StoreDescriptor } from './types.js';

export const sqlite: StoreDescriptor = {
  id: 'sqlite',
  label: 'SQLite (better-sqlite3)',
  strategy: 'database',
  hint: 'a file on disk; persistent with no server (default)',
  sessionLibrary: 'express-session',
  dependencies: ['express-session', 'better-sqlite3'],
  typeDependencies: ['@types/express-session', '@types/better-sqlite3'],
  env: [
    {
      name: 'SQLITE_PATH',
      value: 'data/sessions.db',
      example: 'data/sessions.db',
      description: 'SQLite database file for sessions (its folder is created)',
    },
  ],
  loadTest: true,
  legacy: false,
  persistent: true,
  sharedAcrossInstances: false,
  notes: [
    'Sessions are rows in a local SQLite file (WAL mode): they survive restarts with no server to run.',
    'App instances on the same machine can share the file, and so their sessions; instances on other machines cannot.',
    'The store is a small class in src/sqlite-store on better-sqlite3; expired rows are never returned and are deleted on a timer.',
    'better-sqlite3 is a native module: installing it downloads a prebuilt binary or compiles one from source.',
  ],
};
