/**
 * Every package a generated app can depend on, with the exact version it gets.
 * Pinned here so a run needs no network and a misspelt dependency fails to compile.
 * All of them install and run on Node 20.12+ (newer majors of several need Node 22).
 */
export const versions = {
  express: '5.3.0',
  'express-session': '1.19.0',
  memorystore: '1.6.8',
  'cookie-session': '2.1.1',
  'better-sqlite3': '12.11.1',

  vitest: '4.1.12',
  supertest: '7.3.2',
  typescript: '5.9.3',
  tsx: '4.23.15',
  '@types/node': '20.19.9',
  '@types/express': '5.0.6',
  '@types/express-session': '1.19.0',
  '@types/cookie-session': '2.0.49',
  '@types/better-sqlite3': '7.6.13',
  '@types/supertest': '7.2.1',
} as const;

export type PackageName = keyof typeof versions;

/** The `engines.node` range of generated apps (process.loadEnvFile needs 20.12). */
export const nodeEngines = '>=20.12';
