/**
 * Generated apps shared by every e2e file of a run: each store × language is scaffolded from
 * the packed tarball and installed for real once per run (below: how), then reused by every
 * file that needs it.
 *
 * In a test file:
 *
 *     import { prepareSharedApps, sharedApp, willRun, type SharedApp } from './apps.js';
 *
 *     // optional, at the top of the file: install up front, E2E_JOBS at a time, the apps
 *     // of the describe blocks that will run (a -t filter skips the others: their apps are not installed)
 *     beforeAll(({}, file) => prepareSharedApps([['redis', 'ts'], ['redis', 'js']].filter(([s, l]) => willRun(file, `${s} × ${l}`))));
 *
 *     let app: SharedApp;
 *     beforeAll(async () => {
 *       app = await sharedApp('redis', 'ts');
 *       expect(app.scaffold.code, describeRun(app.scaffold)).toBe(0);   // the install is still asserted
 *     });
 *     // app.dir is the project folder; start it with startApp(app.dir, port) (app.ts): `npm start`,
 *     // built once by the first start of the run (TypeScript: `npm run build`, then `node dist/server.js`).
 *
 * The apps live in the run's scratch directory (`<scratch>/apps/<store>-<lang>/app`, removed at
 * the end of the run; E2E_KEEP=1 keeps it), each with a `scaffold.json` holding the run that
 * made it. A later file finds the records and reuses the folders; a store with a record missing
 * (an install cut short) has both its apps made again. Every app is scaffolded as `app --store <id> --lang <lang>
 * --pm npm --no-git --yes`, so its name, and the prefixes derived from it (REDIS_PREFIX
 * `app:sess:`), are the same in every file.
 *
 * A store's two apps are made together: the TypeScript app by the CLI's own `npm install`,
 * then the JavaScript app scaffolded with `--no-install` and installed by a real `npm install`
 * into a copy of the TypeScript app's node_modules, made right after that install (before
 * anything ran in it). The JavaScript app's packages are a subset of the TypeScript app's
 * (no typescript, tsx, @types/*) at the same pinned versions, so npm finds each one in place,
 * removes the extras and writes its lockfile; the tree and package-lock.json are byte for byte
 * what a fresh install of the JavaScript app gives (compared by hand for Redis: `npm ls --all`,
 * `cmp package-lock.json`).
 * What it saves: downloading and extracting the same tarballs twice, and compiling
 * better-sqlite3 from source twice (no prebuilt binary can be downloaded here: ~1.5 min each).
 * The CLI's install step itself runs for every TypeScript app.
 *
 * `prepareAllSharedApps` (the global setup calls it in CI, or with E2E_PREPARE_ALL=1) makes
 * every store's apps before the first file, E2E_JOBS stores at a time, the stores whose install
 * compiles first: the installs then fill both cores instead of leaving one idle while a file
 * waits on its one slow install.
 *
 * Each app's own `npm test` (half a minute, half of it waiting on the app's real timers) can
 * also be run for a whole file up front, two at a time, before any of the file's tests:
 *
 *     beforeAll(({}, file) => runOwnSuites([{ store: 'redis', lang: 'ts', env, server: 'redis' }, …]));
 *     it('passes its own `npm test`', async () => { const r = await ownSuite('redis', 'ts', env); … });
 *
 * Two apps that talk to the same server (`server` in the job) never run together, and nothing
 * else of the file runs meanwhile, so its outage and latency tests still run alone.
 *
 * e2e files run one at a time (vitest.config.ts), so two files never fill the same app at once.
 * Rules for a file that uses a shared app: leave it as found. A test that edits a file in it
 * restores it in `finally`; a test that needs another kind of app (another name, a --template,
 * a failing install) scaffolds its own with `scaffold()` from pack.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cli, INSTALL_ENV, scaffold } from './pack.js';
import { run, userEnv, type RunResult } from '../support/process.js';
import { nativeDependencies } from '../../src/plan/context.js';
import { stores, type StoreDescriptor } from '../../src/stores/index.js';
import type { RunnerTestSuite } from 'vitest';

export type Lang = 'ts' | 'js';

export interface SharedApp {
  store: string;
  lang: Lang;
  /** The generated project (`…/apps/<store>-<lang>/app`). */
  dir: string;
  /** The CLI run that scaffolded and installed it (the same record in every file that uses it). */
  scaffold: RunResult;
  /** False when this call made it, true when an earlier call of the run (this file or another) did. */
  reused: boolean;
}

/** The project name every shared app gets. */
export const SHARED_APP_NAME = 'app';

/**
 * How many installs (`prepareSharedApps`) or own suites (`runOwnSuites`) run at once. Two by
 * default, one per core: an install mostly waits on npm or compiles on one core, an own suite
 * (three vitest workers that mostly wait on timers) uses about one.
 */
const JOBS = Math.max(1, Number(process.env.E2E_JOBS ?? 2));

/**
 * The arguments of an app's own `npm test`. Its test files spend most of their time waiting on
 * the app's real timers (idle timeouts, store deadlines), and vitest's default on a two-core
 * machine is one worker, one file after another: three let the waits overlap (a suite takes
 * about two thirds of the time, the same tests, more of them at once).
 */
export const OWN_SUITE_ARGS = ['test', '--', '--maxWorkers=3'];

/** This file's (worker's) stores: the pair of apps of each made or found once. */
const made = new Map<string, Promise<Record<Lang, SharedApp>>>();

/** The app for `store` × `lang`, scaffolded and installed (with the store's other app) by the first call of the run. */
export async function sharedApp(store: string, lang: Lang): Promise<SharedApp> {
  return (await storeApps(store))[lang];
}

function storeApps(store: string): Promise<Record<Lang, SharedApp>> {
  let apps = made.get(store);
  if (!apps) {
    apps = findOrMake(store);
    made.set(store, apps);
  }
  return apps;
}

/** Install several shared apps, `E2E_JOBS` stores at a time (the ones already made are found at once). */
export async function prepareSharedApps(wanted: ReadonlyArray<readonly [string, Lang]>): Promise<void> {
  const queue = [...new Set(wanted.map(([store]) => store))];
  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await storeApps(next);
  };
  await Promise.all(Array.from({ length: Math.min(JOBS, queue.length) }, lane));
}

/** Every store's apps, the stores whose install compiles first (the longest installs start first). */
export async function prepareAllSharedApps(): Promise<void> {
  const compiles = (store: StoreDescriptor) => store.dependencies.some((name) => nativeDependencies.includes(name));
  const order = [...stores.filter(compiles), ...stores.filter((store) => !compiles(store))];
  await prepareSharedApps(order.map((store) => [store.id, 'ts'] as const));
}

async function findOrMake(store: string): Promise<Record<Lang, SharedApp>> {
  const { scratch } = await cli();
  const place = (lang: Lang) => {
    const work = join(scratch, 'apps', `${store}-${lang}`);
    return { lang, work, dir: join(work, SHARED_APP_NAME), record: join(work, 'scaffold.json') };
  };
  const ts = place('ts');
  const js = place('js');
  const app = (at: typeof ts, scaffold: RunResult, reused: boolean): SharedApp => ({ store, lang: at.lang, dir: at.dir, scaffold, reused });
  const recorded = (at: typeof ts) => JSON.parse(readFileSync(at.record, 'utf8')) as RunResult;
  if (existsSync(ts.record) && existsSync(js.record)) return { ts: app(ts, recorded(ts), true), js: app(js, recorded(js), true) };

  for (const at of [ts, js]) {
    await rm(at.work, { recursive: true, force: true });
    await mkdir(at.work, { recursive: true });
  }
  const args = (lang: Lang) => [SHARED_APP_NAME, '--store', store, '--lang', lang, '--pm', 'npm', '--no-git', '--yes'];
  const tsResult = await scaffold(args('ts'), { cwd: ts.work, timeoutMs: 600_000 });
  // Written last: a folder without it is an install that did not finish.
  writeFileSync(ts.record, JSON.stringify(tsResult));

  // The JavaScript app: seeded from the TypeScript app's fresh node_modules (header comment).
  let jsResult = await scaffold([...args('js'), '--no-install'], { cwd: js.work, timeoutMs: 120_000 });
  if (jsResult.code === 0 && tsResult.code === 0) {
    const copy = await run('cp', ['-a', join(ts.dir, 'node_modules'), join(js.dir, 'node_modules')], { cwd: js.work, timeoutMs: 120_000 });
    if (copy.code !== 0) jsResult = copy;
  }
  if (jsResult.code === 0) {
    const install = await run('npm', ['install'], { cwd: js.dir, env: userEnv(INSTALL_ENV), timeoutMs: 600_000 });
    jsResult = { ...install, command: `${jsResult.command}; cd ${SHARED_APP_NAME} && ${install.command}`, durationMs: jsResult.durationMs + install.durationMs };
  }
  writeFileSync(js.record, JSON.stringify(jsResult));
  return { ts: app(ts, tsResult, false), js: app(js, jsResult, false) };
}

export interface OwnSuiteJob {
  store: string;
  lang: Lang;
  /** The environment of the run (the store's server settings). */
  env: NodeJS.ProcessEnv;
  /** The server it talks to, if any: two jobs with the same server never run together. */
  server?: string;
}

/** This file's own-suite runs, by store × language. */
const suites = new Map<string, Promise<RunResult>>();

/**
 * Run the shared apps' own `npm test`, E2E_JOBS at a time; resolves when all are done.
 * The jobs of one server are in one lane, one after the other (the TypeScript and JavaScript
 * apps of a store have the same name, so the same key prefix or table on it).
 */
export async function runOwnSuites(jobs: readonly OwnSuiteJob[]): Promise<void> {
  const groups = new Map<string, OwnSuiteJob[]>();
  for (const job of jobs) {
    const key = job.server ?? `${job.store}-${job.lang}`;
    groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  const lanes = Array.from({ length: JOBS }, () => [] as OwnSuiteJob[]);
  for (const group of groups.values()) lanes.reduce((a, b) => (b.length < a.length ? b : a)).push(...group);
  await Promise.all(
    lanes.map(async (lane) => {
      for (const job of lane) await ownSuite(job.store, job.lang, job.env);
    }),
  );
}

/** The app's own `npm test` with `env`: the result of the run `runOwnSuites` made, or a run now. */
export function ownSuite(store: string, lang: Lang, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const key = `${store}-${lang}`;
  let result = suites.get(key);
  if (!result) {
    result = sharedApp(store, lang).then((app) => run('npm', OWN_SUITE_ARGS, { cwd: app.dir, env, timeoutMs: 300_000 }));
    suites.set(key, result);
  }
  return result;
}

/**
 * Whether a describe block named `title` under `suite` has a test (whose name matches `test`,
 * if given) that will run: not skipped by -t, .only or skipIf.
 */
export function willRun(suite: Readonly<RunnerTestSuite>, title: string, test?: RegExp): boolean {
  const hasRunnable = (s: Readonly<RunnerTestSuite>): boolean =>
    s.tasks.some((t) => (t.type === 'suite' ? hasRunnable(t) : t.mode === 'run' && (!test || test.test(t.name))));
  return suite.tasks.some((t) => t.type === 'suite' && (t.name === title ? hasRunnable(t) : willRun(t, title, test)));
}
