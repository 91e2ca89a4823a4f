import session from 'express-session';
import createMemoryStore from 'memorystore';
import { start } from './common.mjs';

const MemoryStore = createMemoryStore(session);
const store = new MemoryStore({ checkPeriod: 60_000, max: 10_000 });
start(store, { onClose: () => store.stopInterval() });
