// No npm SQLite store fits (better-sqlite3-session-store is GPL and unmaintained), so the
// baseline uses the generated app's own store class: the comparison is of the app around it.
import { SqliteStore } from '../dist/sqlite-store.js';
import { start } from './common.mjs';

const store = new SqliteStore({ path: process.env.SQLITE_PATH });
start(store, { onClose: () => store.close() });
