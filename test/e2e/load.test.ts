/**
 * Load, churn and malformed traffic against generated apps running for real (`node
 * src/server.js` of the run's shared JavaScript app (apps.ts), so the pid is the app itself
 * and its RSS can be read from /proc/<pid>/status).
 *
 * - Load: 50 connections for LOAD_SECONDS (CI: 10 s) on memory, sqlite, redis and postgres,
 *   each connection cycling login → session → session → me → logout (autocannon). No
 *   errors, no timeouts, every status the expected one, /health 200 afterwards.
 * - Churn (memory store): anonymous and logged-in sessions created in a loop with
 *   MEMORY_STORE_MAX set; resident memory after the cap is reached stays bounded and the
 *   store holds exactly the newest MEMORY_STORE_MAX sessions (the (max+1)-th newest is gone).
 *   CI: 20,000 anonymous + 5,000 logged-in, max 1,000. LOAD_FULL=1: 200,000 + 50,000 with the
 *   default max (10,000) and LOAD_SECONDS=60 unless set. LOAD_STORES=memory,redis limits the stores.
 * - Malformed traffic over real HTTP: 16 KB and 64 KB Cookie headers, huge and chunked bodies,
 *   non-JSON and broken JSON, wrong methods, tampered and truncated cookies, a bad URL: each
 *   answers 4xx (or, past the header limit, 431 / a closed connection) and /health stays 200.
 *
 * Figures are printed at the end of the file.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSharedApps, sharedApp } from './apps.js';
import { E2E_LIMITS } from './app.js';
import { describeRun, freePort, startProcess, stop, userEnv, waitForHttp, type StartedProcess } from '../support/process.js';
import { requireService, serviceEnv } from '../support/services.js';
import type { StoreDescriptor } from '../../src/stores/index.js';
import { e2eMatrix } from '../support/matrix.js';

const FULL = Boolean(process.env.LOAD_FULL);
const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? (FULL ? 60 : 10));
const CONNECTIONS = 50;
const CHURN_ANONYMOUS = Number(process.env.CHURN_ANONYMOUS ?? (FULL ? 200_000 : 20_000));
const CHURN_LOGGED_IN = Number(process.env.CHURN_LOGGED_IN ?? (FULL ? 50_000 : 5_000));
const CHURN_MAX = Number(process.env.CHURN_MEMORY_STORE_MAX ?? (FULL ? 10_000 : 1_000));
/** How much RSS may grow once the store is full (GC slack, buffers): far below what the sessions would take unbounded. */
const RSS_GROWTH_LIMIT_MB = Number(process.env.CHURN_RSS_GROWTH_MB ?? 64);

type Store = string;
/** The catalogue's `loadTest` stores, embedded ones first (today memory, sqlite, redis, postgres). */
const LOAD_STORES: StoreDescriptor[] = e2eMatrix().load;
/** The server a store needs, by service name (none for embedded stores). */
const serviceOf = (id: Store): string | undefined => LOAD_STORES.find((store) => store.id === id)?.server?.service;
/** LOAD_STORES=memory,redis runs only those (the churn needs memory). */
const STORES: Store[] = LOAD_STORES.map((store) => store.id).filter(
  (s) => !process.env.LOAD_STORES || process.env.LOAD_STORES.split(',').includes(s),
);

const available = new Map<Store, boolean>();
for (const { id } of LOAD_STORES) {
  const service = serviceOf(id);
  available.set(id, service === undefined ? true : STORES.includes(id) && (await requireService(service)));
}

// ------------------------------------------------------------------ autocannon

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  '2xx': number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
// No type declarations are published for autocannon: the little used here is typed above.
const { default: autocannon } = (await import('autocannon' as string)) as { default: Autocannon };

function cookieFrom(headers: Record<string, string | string[]>): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== 'set-cookie') continue;
    const all = Array.isArray(value) ? value : [value];
    return all.map((c) => c.split(';')[0]).join('; ');
  }
  return undefined;
}

// ------------------------------------------------------------------ apps

const apps = new Map<Store, string>();
const figures: string[] = [];
const running = new Set<StartedProcess>();

async function startApp(store: Store, env: Record<string, string> = {}) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const service = serviceOf(store);
  const extra = service ? serviceEnv(service) : {};
  const proc = startProcess(process.execPath, ['src/server.js'], {
    cwd: apps.get(store)!,
    env: userEnv({ ...extra, ...E2E_LIMITS, PORT: String(port), HOST: '127.0.0.1', ...env }),
  });
  running.add(proc);
  await waitForHttp(`${baseUrl}/health`, 60_000, { proc });
  return { proc, baseUrl, port };
}

async function halt(proc: StartedProcess) {
  const exit = await stop(proc);
  running.delete(proc);
  return exit;
}

beforeAll(async () => {
  const wanted = STORES.filter((s) => available.get(s));
  await prepareSharedApps(wanted.map((s) => [s, 'js'] as const));
  for (const s of wanted) {
    const app = await sharedApp(s, 'js');
    if (app.scaffold.code !== 0) throw new Error(`scaffold --store ${s} --lang js failed\n${describeRun(app.scaffold)}`);
    figures.push(`${s}: scaffold + install ${app.reused ? 'shared with an earlier file' : `${(app.scaffold.durationMs / 1000).toFixed(0)} s`}`);
    apps.set(s, app.dir);
  }
});

afterAll(async () => {
  for (const p of running) await stop(p);
  if (figures.length) console.log(`load figures (${FULL ? 'full' : 'CI'} form):\n  ${figures.join('\n  ')}`);
});

async function health(baseUrl: string, after: string) {
  const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status, `/health answers 200 after ${after}`).toBe(200);
}

// ------------------------------------------------------------------ load

describe.each(STORES)('%s under load', (store) => {
  it.skipIf(!available.get(store))(`holds ${CONNECTIONS} connections for ${LOAD_SECONDS} s with no errors`, async () => {
    const { proc, baseUrl } = await startApp(store);
    const unexpected: string[] = [];
    const expectStatus = (want: number, label: string) => (status: number) => {
      if (status !== want && unexpected.length < 20) unexpected.push(`${label} → ${status}`);
    };
    const withCookie = (req: Record<string, unknown>, context: Record<string, unknown>) => {
      if (!context.cookie) return req; // the login failed: reported by its onResponse
      return { ...req, headers: { ...(req.headers as object), cookie: context.cookie } };
    };
    let result: AutocannonResult;
    try {
      result = await autocannon({
        url: baseUrl,
        connections: CONNECTIONS,
        duration: LOAD_SECONDS,
        timeout: 5,
        requests: [
          {
            method: 'POST',
            path: '/api/login',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'load-tester' }),
            onResponse: (status: number, _body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => {
              expectStatus(200, 'POST /api/login')(status);
              context.cookie = cookieFrom(headers);
            },
          },
          { method: 'GET', path: '/api/session', setupRequest: withCookie, onResponse: expectStatus(200, 'GET /api/session') },
          { method: 'GET', path: '/api/session', setupRequest: withCookie, onResponse: expectStatus(200, 'GET /api/session') },
          { method: 'GET', path: '/api/me', setupRequest: withCookie, onResponse: expectStatus(200, 'GET /api/me (logged in)') },
          { method: 'POST', path: '/api/logout', setupRequest: withCookie, onResponse: expectStatus(204, 'POST /api/logout') },
        ],
      });
      await health(baseUrl, 'the load');
    } catch (err) {
      (err as Error).message += `\n--- app output:\n${proc.output().slice(-4_000)}`;
      throw err;
    } finally {
      const exit = await halt(proc);
      expect(exit.killed, `graceful shutdown after the load\n${proc.output().slice(-2_000)}`).toBe(false);
    }
    figures.push(
      `${store}: ${CONNECTIONS} connections × ${LOAD_SECONDS} s: ${result.requests.total} requests, ` +
        `${Math.round(result.requests.average)} req/s, latency p50 ${result.latency.p50} ms / p99 ${result.latency.p99} ms / max ${result.latency.max} ms, ` +
        `errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
    );
    const summary = `${store}: ${JSON.stringify({ total: result.requests.total, errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx })}\nunexpected: ${unexpected.join(', ')}\n--- app output:\n${proc.output().slice(-3_000)}`;
    expect(result.requests.total, `requests were served\n${summary}`).toBeGreaterThan(LOAD_SECONDS * 50);
    expect(result.errors, `no connection errors\n${summary}`).toBe(0);
    expect(result.timeouts, `no timeouts\n${summary}`).toBe(0);
    expect(result.non2xx, `no non-2xx answers\n${summary}`).toBe(0);
    expect(unexpected, `every answer had the expected status\n${summary}`).toEqual([]);
    // The whole output, shutdown included: requests whose client left at the end of the load may still be
    // running when SIGTERM comes, and the app must exit without failing them.
    expect(proc.output(), 'the app logged no error during the load or its shutdown').not.toMatch(/Error|error:/);
  });
});

// ------------------------------------------------------------------ churn

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
}

/** `amount` requests over `connections` connections, none carrying a cookie: each makes a new session. */
async function createSessions(baseUrl: string, amount: number, kind: 'anonymous' | 'logged-in') {
  if (amount <= 0) return;
  const result = await autocannon({
    url: baseUrl,
    connections: CONNECTIONS,
    amount,
    timeout: 10,
    requests:
      kind === 'anonymous'
        ? [{ method: 'GET', path: '/api/session' }]
        : [{ method: 'POST', path: '/api/login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'churn' }) }],
  });
  expect(
    { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    `${amount} ${kind} sessions created without an error`,
  ).toEqual({ errors: 0, timeouts: 0, non2xx: 0 });
  return result;
}

describe.skipIf(!STORES.includes('memory'))('memory store churn', () => {
  it(`${CHURN_ANONYMOUS} anonymous + ${CHURN_LOGGED_IN} logged-in sessions keep RSS bounded (MEMORY_STORE_MAX=${CHURN_MAX})`, async () => {
    const { proc, baseUrl } = await startApp('memory', { MEMORY_STORE_MAX: String(CHURN_MAX) });
    const samples: number[] = [];
    const sampler = setInterval(() => {
      try {
        samples.push(rssKb(proc.pid));
      } catch {
        /* exited: reported below */
      }
    }, 100);
    const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
    try {
      const atStart = rssKb(proc.pid);
      // Fill the store well past its cap, so that what follows only replaces sessions.
      const fill = Math.min(CHURN_ANONYMOUS, CHURN_MAX * 3);
      await createSessions(baseUrl, fill, 'anonymous');
      const atCap = rssKb(proc.pid);
      samples.length = 0;
      const t = Date.now();
      await createSessions(baseUrl, CHURN_ANONYMOUS - fill, 'anonymous');
      await createSessions(baseUrl, CHURN_LOGGED_IN, 'logged-in');
      const churnMs = Date.now() - t;
      const atEnd = rssKb(proc.pid);
      const peak = samples.reduce((a, b) => Math.max(a, b), Math.max(atCap, atEnd));
      await health(baseUrl, 'the churn');

      const created = CHURN_ANONYMOUS + CHURN_LOGGED_IN;
      figures.push(
        `memory churn: ${CHURN_ANONYMOUS} anonymous + ${CHURN_LOGGED_IN} logged-in sessions ` +
          `with MEMORY_STORE_MAX=${CHURN_MAX}, ${Math.round(((CHURN_ANONYMOUS - fill + CHURN_LOGGED_IN) * 1000) / churnMs)} sessions/s: ` +
          `RSS start ${mb(atStart)}, at cap ${mb(atCap)}, peak after cap ${mb(peak)}, end ${mb(atEnd)}; ` +
          `${created} sessions created`,
      );
      // The store never holds more than MEMORY_STORE_MAX: create 1.5 × max sessions one after
      // another; the first of them is gone, the newest is there. (Not exactly max + 1: a few
      // requests of the churn can still be in flight on a loaded machine and add an entry.)
      const cookies: string[] = [];
      const probes = Math.ceil(CHURN_MAX * 1.5);
      for (let i = 0; i < probes; i++) {
        const res = await fetch(`${baseUrl}/api/session`);
        expect(res.status).toBe(200);
        cookies.push(res.headers.getSetCookie()[0]!.split(';')[0]!);
      }
      const views = async (cookie: string) =>
        ((await (await fetch(`${baseUrl}/api/session`, { headers: { cookie } })).json()) as { views: number }).views;
      expect(await views(cookies[probes - 1]!), 'the newest session is stored').toBe(2);
      expect(await views(cookies[0]!), `the ${probes}-th newest session was evicted: the store holds about ${CHURN_MAX} at most`).toBe(1);

      expect(
        (peak - atCap) / 1024,
        `RSS growth after the store is full stays under ${RSS_GROWTH_LIMIT_MB} MB (start ${mb(atStart)}, at cap ${mb(atCap)}, peak ${mb(peak)}, end ${mb(atEnd)})`,
      ).toBeLessThan(RSS_GROWTH_LIMIT_MB);
    } catch (err) {
      (err as Error).message += `\n--- app output:\n${proc.output().slice(-3_000)}`;
      throw err;
    } finally {
      clearInterval(sampler);
      await halt(proc);
    }
  });
});

// ------------------------------------------------------------------ malformed traffic

interface RawReply {
  status?: number;
  body?: string;
  error?: string;
}

/** One request with node:http (no client-side limits or fix-ups); never throws. */
function raw(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer[]): Promise<RawReply> {
  const url = new URL(path === '' ? '/' : path, baseUrl);
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers, timeout: 10_000, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, body: text }));
        res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
      },
    );
    req.on('error', (e) => resolve({ error: `${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}` }));
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    if (Array.isArray(body)) {
      // Chunked, no Content-Length: the server has to count as it reads.
      (async () => {
        for (const chunk of body) {
          if (req.destroyed) return;
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      })().catch(() => undefined);
    } else {
      req.end(body);
    }
  });
}

/** A request line written by hand (for URLs a client library would refuse). */
function rawLine(port: number, line: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c) => (text += c));
    socket.on('end', () => resolve(text));
    socket.on('error', (e) => resolve(`error ${e.message}`));
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

describe.each(STORES)('%s under malformed traffic', (store) => {
  it.skipIf(!available.get(store))('answers 4xx to each hostile request and stays up', async () => {
    const { proc, baseUrl, port } = await startApp(store);
    const json = { 'content-type': 'application/json' };
    const log: string[] = [];
    try {
      // A valid login to tamper with.
      const login = await fetch(`${baseUrl}/api/login`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'alice' }) });
      expect(login.status).toBe(200);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const [name, value = ''] = cookie.split('; ')[0]!.split(/=(.*)/s);

      const cases: Array<[string, () => Promise<RawReply>, (r: RawReply) => boolean]> = [
        ['16 KB Cookie header', () => raw(baseUrl, 'GET', '/api/me', { cookie: `junk=${'x'.repeat(16 * 1024)}` }), (r) => r.status === 431 || (r.status === undefined && Boolean(r.error))],
        ['64 KB Cookie header', () => raw(baseUrl, 'GET', '/api/me', { cookie: `junk=${'x'.repeat(64 * 1024)}` }), (r) => r.status === 431 || (r.status === undefined && Boolean(r.error))],
        ['8 KB session cookie value (under the header limit)', () => raw(baseUrl, 'GET', '/api/me', { cookie: `${name}=${'y'.repeat(8 * 1024)}` }), (r) => r.status === 401],
        ['tampered session cookie', () => raw(baseUrl, 'GET', '/api/me', { cookie: cookie.replace(`${name}=${value}`, `${name}=${value.slice(0, -3)}${value.endsWith('AAA') ? 'BBB' : 'AAA'}`) }), (r) => r.status === 401],
        ['truncated session cookie', () => raw(baseUrl, 'GET', '/api/me', { cookie: cookie.replace(`${name}=${value}`, `${name}=${value.slice(0, Math.floor(value.length / 2))}`) }), (r) => r.status === 401],
        ['1 MB JSON body with Content-Length', () => raw(baseUrl, 'POST', '/api/login', json, JSON.stringify({ username: 'x'.repeat(1024 * 1024) })), (r) => r.status === 413 || (r.status === undefined && Boolean(r.error))],
        ['8 MB chunked JSON body', () => raw(baseUrl, 'POST', '/api/login', json, Array.from({ length: 128 }, () => Buffer.alloc(64 * 1024, 'a'))), (r) => r.status === 413 || (r.status === undefined && Boolean(r.error))],
        ['text/plain to a JSON route', () => raw(baseUrl, 'POST', '/api/login', { 'content-type': 'text/plain' }, 'username=alice'), (r) => r.status === 415],
        ['XML to a JSON route', () => raw(baseUrl, 'POST', '/api/login', { 'content-type': 'application/xml' }, '<username>alice</username>'), (r) => r.status === 415],
        ['broken JSON', () => raw(baseUrl, 'POST', '/api/login', json, '{"username": "alice"'), (r) => r.status === 400],
        ['JSON that is not an object', () => raw(baseUrl, 'POST', '/api/login', json, '"alice"'), (r) => r.status === 400],
        ['deeply nested JSON', () => raw(baseUrl, 'POST', '/api/login', json, `${'['.repeat(2_000)}${']'.repeat(2_000)}`), (r) => r.status === 400],
        ['a prototype-pollution body', () => raw(baseUrl, 'POST', '/api/login', json, '{"__proto__": {"user": {"name": "admin"}}, "username": "eve"}'), (r) => r.status === 200 && JSON.parse(r.body ?? '{}').user?.name === 'eve'],
        ['an unsupported charset', () => raw(baseUrl, 'POST', '/api/login', { 'content-type': 'application/json; charset=klingon' }, '{"username":"a"}'), (r) => r.status === 415],
        ['DELETE /api/login', () => raw(baseUrl, 'DELETE', '/api/login', { cookie }), (r) => r.status === 404],
        ['GET /api/logout', () => raw(baseUrl, 'GET', '/api/logout', { cookie }), (r) => r.status === 404],
        ['PUT /api/session', () => raw(baseUrl, 'PUT', '/api/session', { cookie, ...json }, '{}'), (r) => r.status === 404],
        ['a foreign Origin on logout', () => raw(baseUrl, 'POST', '/api/logout', { cookie, origin: 'https://evil.example' }), (r) => r.status === 403],
      ];
      for (const [label, send, ok] of cases) {
        const r = await send();
        log.push(`${label} → ${r.status ?? r.error}`);
        expect(ok(r), `${store}: ${label} → 4xx (got ${r.status ?? 'no answer'} ${r.error ?? ''} ${(r.body ?? '').slice(0, 200)})`).toBe(true);
        if (r.status !== undefined && r.status >= 400) expect(r.body ?? '', `${store}: ${label}: no stack trace`).not.toMatch(/\n\s+at |node_modules/);
        await health(baseUrl, label);
      }
      // The genuine session survived all of that, except the refused logout changed nothing.
      const me = await raw(baseUrl, 'GET', '/api/me', { cookie });
      expect(me.status, `${store}: the real session still works after the hostile requests`).toBe(200);

      for (const line of ['GET /%E0%A4%A HTTP/1.1', 'GET /api/%ZZ HTTP/1.1', 'GET /../../etc/passwd HTTP/1.1', 'BREW /api/me HTTP/1.1']) {
        const text = await rawLine(port, line);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
        log.push(`${line} → ${status || text.slice(0, 40)}`);
        expect(status >= 400 && status < 500, `${store}: \`${line}\` → 4xx (got ${text.slice(0, 200)})`).toBe(true);
        await health(baseUrl, line);
      }
      expect(proc.hasExited(), 'the app is still running').toBe(false);
      figures.push(`${store} malformed traffic: ${log.join('; ')}`);
    } catch (err) {
      (err as Error).message += `\n--- so far: ${log.join('; ')}\n--- app output:\n${proc.output().slice(-3_000)}`;
      throw err;
    } finally {
      await halt(proc);
    }
  });
});
