/**
 * The HTTP contract every generated app keeps (DESIGN.md §4), driven with real `fetch` and a
 * cookie jar against a running app. Every assertion message starts with `contract:` and
 * names the contract item it checks, so a failure says what the app got wrong.
 */
import { expect } from 'vitest';
import { statelessStores } from '../../src/stores/index.js';

/** Stores that keep the whole session in the cookie (the catalogue's `cookie` trait): logout cannot revoke a copied cookie. */
export const STATELESS_STORES: ReadonlySet<string> = new Set(statelessStores().map((store) => store.id));

// ------------------------------------------------------------------ cookies

export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased; flag attributes map to `true`. */
  attrs: Map<string, string | true>;
  raw: string;
}

export function parseSetCookie(raw: string): SetCookie {
  const [pair = '', ...rest] = raw.split(';');
  const eq = pair.indexOf('=');
  const name = (eq === -1 ? pair : pair.slice(0, eq)).trim();
  const value = eq === -1 ? '' : pair.slice(eq + 1).trim();
  const attrs = new Map<string, string | true>();
  for (const part of rest) {
    const i = part.indexOf('=');
    if (i === -1) attrs.set(part.trim().toLowerCase(), true);
    else attrs.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return { name, value, attrs, raw };
}

/** Whether a Set-Cookie tells the browser to delete the cookie. */
export function isDeletion(c: SetCookie): boolean {
  const maxAge = c.attrs.get('max-age');
  if (typeof maxAge === 'string' && Number(maxAge) <= 0) return true;
  const expires = c.attrs.get('expires');
  if (typeof expires === 'string' && Date.parse(expires) <= Date.now()) return true;
  return false;
}

/** A minimal browser-like cookie jar for one host (ports, domains and paths are ignored). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Apply a response's Set-Cookie headers; returns them parsed. */
  update(res: Response): SetCookie[] {
    const parsed = res.headers.getSetCookie().map(parseSetCookie);
    for (const c of parsed) {
      if (isDeletion(c)) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return parsed;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }

  /** The Cookie request header, or undefined when empty. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [k, v] of this.cookies) copy.cookies.set(k, v);
    return copy;
  }
}

// ------------------------------------------------------------------ requests

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body when it is JSON, else undefined. */
  json: any;
  setCookies: SetCookie[];
  contentType: string;
  label: string;
}

export interface CallOptions {
  jar?: CookieJar;
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Sent as is (set Content-Type yourself). */
  body?: string;
  headers?: Record<string, string>;
}

export async function call(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const cookie = opts.jar?.header();
  if (cookie) headers.cookie = cookie;
  let body: string | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  const label = `${method} ${path}`;
  let res: Response;
  try {
    res = await fetch(new URL(path, baseUrl), {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new Error(`contract: ${label} did not get an answer: ${String((err as Error).cause ?? err)}`);
  }
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  let json: any;
  if (/json/i.test(contentType)) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  const setCookies = opts.jar ? opts.jar.update(res) : res.headers.getSetCookie().map(parseSetCookie);
  return { status: res.status, headers: res.headers, text, json, setCookies, contentType, label };
}

function show(r: Reply): string {
  return `${r.label} → ${r.status} ${r.contentType} ${r.text.slice(0, 300)}`;
}

function expectStatus(r: Reply, status: number, item: string): void {
  expect(r.status, `contract: ${item}\n  got: ${show(r)}`).toBe(status);
}

function expectJson(r: Reply, item: string): void {
  expect(r.json, `contract: ${item} (JSON body, Content-Type application/json)\n  got: ${show(r)}`).toBeDefined();
}

/** Log in with a fresh or given jar; returns the jar. Used for restart checks. */
export async function login(baseUrl: string, username: string, jar = new CookieJar()): Promise<CookieJar> {
  const r = await call(baseUrl, 'POST', '/api/login', { jar, json: { username }, headers: { origin: origin(baseUrl) } });
  expectStatus(r, 200, `POST /api/login {"username": "${username}"} → 200`);
  expect(r.json, `contract: POST /api/login → {"user": {"name": "${username}"}}\n  got: ${show(r)}`).toEqual({
    user: { name: username },
  });
  return jar;
}

/** GET /api/me with the jar; returns the reply. */
export function me(baseUrl: string, jar: CookieJar): Promise<Reply> {
  return call(baseUrl, 'GET', '/api/me', { jar });
}

function origin(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

// ------------------------------------------------------------------ the contract

export interface ContractResult {
  /** Name of the session cookie the app sets. */
  cookieName: string;
  /** Contract items that were not checked for this store, with why. */
  skipped: string[];
}

/**
 * Drive the whole HTTP contract of DESIGN §4 against a running app at `baseUrl` whose
 * /health reports `storeId`. Throws (through vitest's expect) on the first broken item.
 */
export async function driveContract(baseUrl: string, storeId: string): Promise<ContractResult> {
  const stateless = STATELESS_STORES.has(storeId);
  const sameOrigin = { origin: origin(baseUrl) };
  const skipped: string[] = [];

  // --- GET /health
  const anon = new CookieJar();
  const health = await call(baseUrl, 'GET', '/health', { jar: anon });
  expectStatus(health, 200, 'GET /health → 200 when the store answers');
  expect(health.json, `contract: GET /health → {"status": "ok", "store": "${storeId}"}\n  got: ${show(health)}`).toEqual({
    status: 'ok',
    store: storeId,
  });
  expect(
    health.setCookies.map((c) => c.raw),
    'contract: saveUninitialized false: a request that does not touch the session gets no Set-Cookie',
  ).toEqual([]);
  expect(health.headers.get('x-powered-by'), 'contract: x-powered-by is off').toBeNull();

  // --- GET / (demo page)
  const page = await call(baseUrl, 'GET', '/', { jar: new CookieJar() });
  expectStatus(page, 200, 'GET / → the demo page');
  expect(page.contentType, `contract: GET / is HTML\n  got: ${show(page)}`).toMatch(/^text\/html/i);
  expect(page.text, 'contract: GET / is an HTML document').toMatch(/<html|<!doctype html/i);

  // --- GET /api/session counts views, one request at a time (never in parallel: last write wins)
  const jar = new CookieJar();
  let cookieName = '';
  for (const n of [1, 2, 3]) {
    const r = await call(baseUrl, 'GET', '/api/session', { jar });
    expectStatus(r, 200, `GET /api/session → 200 (call ${n})`);
    expect(r.json, `contract: GET /api/session → {"views": ${n}, "user": null} (call ${n} of one session)\n  got: ${show(r)}`).toEqual({
      views: n,
      user: null,
    });
    if (n === 1) {
      expect(r.setCookies.length, `contract: the first GET /api/session sets the session cookie\n  got: ${show(r)}`).toBeGreaterThan(0);
      const main = r.setCookies.find((c) => !c.name.endsWith('.sig')) ?? r.setCookies[0]!;
      cookieName = main.name;
    }
    for (const c of r.setCookies) {
      const item = `session cookie attributes (Set-Cookie: ${c.raw})`;
      expect(c.name, `contract: ${item}: never named connect.sid`).not.toBe('connect.sid');
      expect(c.attrs.has('httponly'), `contract: ${item}: HttpOnly`).toBe(true);
      expect(String(c.attrs.get('samesite')).toLowerCase(), `contract: ${item}: SameSite=Lax`).toBe('lax');
      expect(c.attrs.get('path'), `contract: ${item}: Path=/`).toBe('/');
      expect(c.attrs.has('domain'), `contract: ${item}: no Domain attribute`).toBe(false);
    }
  }
  expect(jar.get(cookieName), `contract: the jar holds the session cookie ${cookieName}`).toBeDefined();

  // --- POST /api/login: wrong content type → 415, bad body → 400, foreign origin → 403
  const wrongTypes: Array<[string, string]> = [
    ['text/plain', '{"username":"alice"}'],
    ['application/x-www-form-urlencoded', 'username=alice'],
  ];
  for (const [type, body] of wrongTypes) {
    const r = await call(baseUrl, 'POST', '/api/login', { jar, body, headers: { 'content-type': type, ...sameOrigin } });
    expectStatus(r, 415, `POST /api/login with Content-Type ${type} (not JSON) → 415`);
    expectJson(r, `POST /api/login not JSON → 415`);
  }
  const badBodies: Array<[string, string]> = [
    ['missing username', '{}'],
    ['empty username', '{"username":""}'],
    ['65-character username', JSON.stringify({ username: 'a'.repeat(65) })],
    ['username not a string', '{"username":42}'],
    ['malformed JSON', '{"username":'],
  ];
  for (const [what, body] of badBodies) {
    const r = await call(baseUrl, 'POST', '/api/login', {
      jar,
      body,
      headers: { 'content-type': 'application/json', ...sameOrigin },
    });
    expectStatus(r, 400, `POST /api/login with a bad body (${what}) → 400`);
    expectJson(r, `POST /api/login bad body → 400`);
  }
  const foreignLogin = await call(baseUrl, 'POST', '/api/login', {
    jar,
    json: { username: 'mallory' },
    headers: { origin: 'https://evil.example' },
  });
  expectStatus(foreignLogin, 403, 'a state-changing request (POST /api/login) with a foreign Origin → 403');
  const stillAnon = await me(baseUrl, jar);
  expectStatus(stillAnon, 401, 'GET /api/me → 401 before login (rejected logins authenticate nobody)');
  expectJson(stillAnon, 'GET /api/me → 401');

  // --- a good login regenerates the session id
  const before = jar.clone();
  const cookieBefore = jar.get(cookieName);
  const loginReply = await call(baseUrl, 'POST', '/api/login', { jar, json: { username: 'alice' }, headers: sameOrigin });
  expectStatus(loginReply, 200, 'POST /api/login {"username": "alice"} → 200');
  expect(loginReply.json, `contract: POST /api/login → {"user": {"name": "alice"}}\n  got: ${show(loginReply)}`).toEqual({
    user: { name: 'alice' },
  });
  if (stateless) {
    skipped.push('session id regeneration on login: a cookie store has no server-side id');
  } else {
    expect(jar.get(cookieName), 'contract: login regenerates the session id (no fixation): the session cookie changes').not.toBe(
      cookieBefore,
    );
    const oldSession = await call(baseUrl, 'GET', '/api/session', { jar: before.clone() });
    expectStatus(oldSession, 200, 'GET /api/session with the pre-login cookie → 200');
    expect(
      oldSession.json,
      `contract: login regenerates the session: the pre-login session is gone from the store (a fresh one starts at views 1)\n  got: ${show(oldSession)}`,
    ).toEqual({ views: 1, user: null });
  }
  const sessionAfter = await call(baseUrl, 'GET', '/api/session', { jar });
  expectStatus(sessionAfter, 200, 'GET /api/session after login → 200');
  expect(sessionAfter.json?.user, `contract: GET /api/session after login reports the user\n  got: ${show(sessionAfter)}`).toEqual({
    name: 'alice',
  });
  const meReply = await me(baseUrl, jar);
  expectStatus(meReply, 200, 'GET /api/me after login → 200');
  expect(meReply.json, `contract: GET /api/me → {"user": {"name": "alice"}}\n  got: ${show(meReply)}`).toEqual({
    user: { name: 'alice' },
  });

  // --- 64 characters is the longest allowed username
  const long = 'b'.repeat(64);
  const longJar = await login(baseUrl, long);
  const longMe = await me(baseUrl, longJar);
  expectStatus(longMe, 200, 'GET /api/me after logging in with a 64-character username → 200');

  // --- logout: foreign origin refused; then 204, cookie cleared, session gone
  const foreignLogout = await call(baseUrl, 'POST', '/api/logout', { jar, headers: { origin: 'https://evil.example' } });
  expectStatus(foreignLogout, 403, 'a state-changing request (POST /api/logout) with a foreign Origin → 403');
  expectStatus(await me(baseUrl, jar), 200, 'a refused foreign-origin logout leaves the user logged in');

  const preLogout = jar.clone();
  const logout = await call(baseUrl, 'POST', '/api/logout', { jar, headers: sameOrigin });
  expectStatus(logout, 204, 'POST /api/logout → 204');
  const cleared = logout.setCookies.find((c) => c.name === cookieName);
  expect(
    cleared && isDeletion(cleared),
    `contract: POST /api/logout clears the session cookie ${cookieName} (Set-Cookie with Expires in the past or Max-Age=0)\n  got Set-Cookie: ${JSON.stringify(logout.setCookies.map((c) => c.raw))}`,
  ).toBe(true);
  const afterLogout = await me(baseUrl, jar);
  expectStatus(afterLogout, 401, 'GET /api/me after logout → 401');

  if (stateless) {
    // A stateless cookie cannot be revoked: a copy taken before logout stays valid until it
    // expires. The generated README says so (and what limits the damage); it is not a
    // property this test can assert, so the replay check is skipped for cookie stores.
    skipped.push('replaying the pre-logout cookie: a stateless cookie cannot be revoked (README says so)');
  } else {
    const replay = await me(baseUrl, preLogout);
    expectStatus(replay, 401, 'replaying the pre-logout cookie is unauthenticated: GET /api/me → 401');
    const replaySession = await call(baseUrl, 'GET', '/api/session', { jar: preLogout.clone() });
    expect(
      replaySession.json,
      `contract: logout removes the session from the store: the pre-logout cookie starts a fresh session (views 1), not the old one\n  got: ${show(replaySession)}`,
    ).toEqual({ views: 1, user: null });
  }

  // --- unknown routes
  for (const path of ['/api/no-such-route', '/no-such-page']) {
    const r = await call(baseUrl, 'GET', path);
    expectStatus(r, 404, `an unknown route (GET ${path}) → 404`);
    expectJson(r, `an unknown route (GET ${path}) → 404 JSON`);
  }

  return { cookieName, skipped };
}
