import { describe, expect, it } from 'vitest';
import { toJavaScript } from '../../src/plan/to-javascript.js';

const js = (...lines: string[]) => toJavaScript(lines.join('\n'));

describe('toJavaScript: a rendered TypeScript file as hand-written JavaScript', () => {
  it('drops type-only lines, the comment above them and the blank line they leave doubled', () => {
    expect(
      js(
        "import express from 'express';",
        "import type { Request } from 'express';",
        '',
        '// Only types below.',
        "declare module 'express-session' {",
        '  interface SessionData {',
        '    views: number; // a counter',
        '  }',
        '}',
        '',
        'export const app = express();',
        '',
      ),
    ).toBe(["import express from 'express';", '', 'export const app = express();', ''].join('\n'));
  });

  it('leaves no hole where `as T` was, and drops parentheses that only held a cast', () => {
    expect(js('const cookie = { secure } as const;')).toBe('const cookie = { secure };');
    expect(js('delete (req as { session?: unknown }).session;')).toBe('delete req.session;');
    expect(js('expect((session.store as Store).prune()).toBe(1);')).toBe('expect(session.store.prune()).toBe(1);');
    expect(js('const port = (server.address() as AddressInfo).port;')).toBe('const port = server.address().port;');
    // a call's or a condition's parentheses stay
    expect(js('call(x as number);')).toBe('call(x);');
    expect(js('if (x as boolean) run();')).toBe('if (x) run();');
    expect(js('const options = { tls: true as const };')).toBe('const options = { tls: true };');
  });

  it('drops a type named inside a value import, with its comma', () => {
    expect(js("import { loadConfig, type Config } from './config.js';", 'export const config: Config = loadConfig();')).toBe(
      ["import { loadConfig } from './config.js';", "/** @import { Config } from './config.js' */", '/** @type {Config} */', 'export const config = loadConfig();'].join('\n'),
    );
  });

  it('keeps comments, blank lines and ES syntax as written; a `declare` field goes with its comment', () => {
    const source = ['class Store extends Base {', '  declare map: Map<string, number>; // the parent\'s', '  #db: Database;', '  loaded = new WeakSet<object>();', '', '  /** Reads one. */', '  get(sid: string) {', '    return this.#db.get(sid)!;', '  }', '}'];
    expect(js(...source)).toBe(
      // (a method gets no tags: only function declarations and constructors do)
      ['class Store extends Base {', '  #db;', '  loaded = new WeakSet();', '', '  /** Reads one. */', '  get(sid) {', '    return this.#db.get(sid);', '  }', '}'].join('\n'),
    );
  });

  it("writes an exported function's types as JSDoc, and the type imports they name as @import", () => {
    expect(
      js(
        "import express from 'express';",
        "import type { RequestHandler } from 'express';",
        "import type { Config } from './config.js';",
        '',
        '/** The API. */',
        'export function api(config: Config, limit = 5, prefix?: string): RequestHandler {',
        '  return express.Router();',
        '}',
      ),
    ).toBe(
      [
        "import express from 'express';",
        "/** @import { RequestHandler } from 'express' */",
        "/** @import { Config } from './config.js' */",
        '',
        '/** The API.',
        ' * @param {Config} config',
        ' * @param {string} [prefix]',
        ' * @returns {RequestHandler} */',
        'export function api(config, limit = 5, prefix) {',
        '  return express.Router();',
        '}',
      ].join('\n'),
    );
  });

  it("writes an exported constant's type as @type (a middleware written as an arrow function)", () => {
    expect(
      js(
        "import type { ErrorRequestHandler, RequestHandler } from 'express';",
        '',
        '/** Answers 401 unless someone is logged in. */',
        'export const requireUser: RequestHandler = (req, res, next) => next();',
        'export const onError: ErrorRequestHandler = (err, _req, res, next) => next(err);',
        'const limits: Record<string, number> = { a: 1 };',
      ),
    ).toBe(
      [
        "/** @import { ErrorRequestHandler, RequestHandler } from 'express' */",
        '',
        '/** Answers 401 unless someone is logged in.',
        ' * @type {RequestHandler} */',
        'export const requireUser = (req, res, next) => next();',
        '/** @type {ErrorRequestHandler} */',
        'export const onError = (err, _req, res, next) => next(err);',
        'const limits = { a: 1 };',
      ].join('\n'),
    );
  });

  it('names a destructured parameter `options`, with its members when the type spells them out', () => {
    expect(js('export function start({ path, size = 1 }: { path: string; size?: number }) {}')).toBe(
      ['/**', ' * @param {object} options', ' * @param {string} options.path', ' * @param {number} [options.size]', ' */', 'export function start({ path, size = 1 }) {}'].join('\n'),
    );
  });

  it('turns type aliases and interfaces into @typedef, keeping their comments as descriptions', () => {
    expect(
      js(
        '/** What a login stores. */',
        'export type User = { name: string };',
        'export type Config = ReturnType<typeof load>;',
        'type Callback<T = unknown> = (err: unknown, value?: T) => void;',
        'export interface Options {',
        '  /** The URL. */',
        '  url: string;',
        '  ttl?: number;',
        '  close(): Promise<void>;',
        '}',
      ),
    ).toBe(
      [
        '/** What a login stores.',
        ' * @typedef {object} User',
        ' * @property {string} name */',
        '/** @typedef {ReturnType<typeof load>} Config */',
        '/**',
        ' * @template T',
        ' * @typedef {(err: unknown, value?: T) => void} Callback',
        ' */',
        '/**',
        ' * @typedef {object} Options',
        ' * @property {string} url The URL',
        ' * @property {number} [ttl]',
        ' * @property {() => Promise<void>} close',
        ' */',
      ].join('\n'),
    );
  });

  it('throws on text that is not TypeScript (the plan names the template)', () => {
    expect(() => js('js js')).toThrow(/Unexpected token/);
  });
});
