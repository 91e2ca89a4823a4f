/**
 * The package as a user gets it: `npm pack` of this repository, installed from the tarball
 * into a prefix of its own (outside the repo, so nothing resolves from the repo's
 * node_modules), and run from there with stdin closed.
 *
 * The global setup (test/e2e/global-setup.ts) calls `prepareCli()` once per run and hands
 * the result to the test files through vitest's provide/inject; `cli()` reads it back.
 * Without the global setup (a file run on its own through another config) `cli()` packs
 * and installs by itself, once per worker.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { REPO_ROOT } from '../support/services.js';
import { describeRun, run, userEnv, type RunResult } from '../support/process.js';

export const PACKAGE_NAME = 'create-express-session-app';

export interface PackedCli {
  /** Absolute path of the .tgz `npm pack` wrote (under .e2e-tmp/). */
  tarball: string;
  /** The prefix the tarball was installed into. */
  prefix: string;
  /** The installed bin: `<prefix>/node_modules/.bin/create-express-session-app`. */
  bin: string;
  /** A scratch directory for this run (outside the repo); removed at teardown. */
  scratch: string;
  packMs: number;
  installMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2eCli: PackedCli;
  }
}

/** `npm pack` the repository into `dir`; returns the tarball's absolute path. */
export async function packTarball(dir: string): Promise<string> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'index.cjs'))) {
    throw new Error('dist/index.cjs is missing: run `npm run build` first (`npm test` and `npm run test:e2e` do).');
  }
  await mkdir(dir, { recursive: true });
  const r = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: REPO_ROOT,
    env: userEnv(),
    timeoutMs: 120_000,
  });
  if (r.code !== 0) throw new Error(`npm pack failed\n${describeRun(r)}`);
  const start = r.stdout.indexOf('[');
  let filename: string | undefined;
  try {
    filename = JSON.parse(r.stdout.slice(start))[0]?.filename;
  } catch {
    /* reported below */
  }
  if (!filename) throw new Error(`npm pack printed no tarball name\n${describeRun(r)}`);
  // npm turns a scoped name's "@scope/x" into "scope-x-…": the file is in `dir` either way.
  const tarball = join(dir, filename.replace(/^@/, '').replace('/', '-'));
  if (!existsSync(tarball)) throw new Error(`npm pack reported ${filename} but ${tarball} does not exist`);
  return tarball;
}

/** Install a tarball into `prefix` the way `npm create` / `npx` would fetch it. */
export async function installTarball(tarball: string, prefix: string): Promise<string> {
  await mkdir(prefix, { recursive: true });
  const r = await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', tarball], {
    cwd: prefix,
    env: userEnv(),
    timeoutMs: 300_000,
  });
  if (r.code !== 0) throw new Error(`installing the packed tarball failed\n${describeRun(r)}`);
  const bin = join(prefix, 'node_modules', '.bin', PACKAGE_NAME);
  if (!existsSync(bin)) throw new Error(`the tarball installed but has no bin at ${bin}`);
  return bin;
}

/** Pack and install once; used by the global setup. */
export async function prepareCli(): Promise<PackedCli> {
  const stamp = `${Date.now()}-${process.pid}`;
  const packDir = join(REPO_ROOT, '.e2e-tmp', `pack-${stamp}`);
  const scratch = await mkdtemp(join(tmpdir(), 'cesa-e2e-'));
  let t = Date.now();
  const tarball = await packTarball(packDir);
  const packMs = Date.now() - t;
  t = Date.now();
  const prefix = join(scratch, 'cli');
  const bin = await installTarball(tarball, prefix);
  const installMs = Date.now() - t;
  return { tarball, prefix, bin, scratch, packMs, installMs };
}

let local: Promise<PackedCli> | undefined;

/** In the global setup's own process (no inject() there): the CLI it prepared, for cli() to return. */
export function useCli(packed: PackedCli): void {
  local = Promise.resolve(packed);
}

/** The packed and installed CLI for this run. */
export async function cli(): Promise<PackedCli> {
  let provided: PackedCli | undefined;
  try {
    // Imported here, not at the top: the global setup imports this module in vitest's main
    // process, where the test API is not available.
    const { inject } = await import('vitest');
    provided = inject('e2eCli');
  } catch {
    provided = undefined;
  }
  if (provided) return provided;
  local ??= prepareCli();
  return local;
}

/** A new empty directory under this run's scratch directory. */
export async function tempDir(label: string): Promise<string> {
  const { scratch } = await cli();
  await mkdir(scratch, { recursive: true });
  return mkdtemp(join(scratch, `${label.replace(/[^a-z0-9-]/gi, '-')}-`));
}

export async function removeDir(dir: string): Promise<void> {
  if (process.env.E2E_KEEP) return;
  await rm(dir, { recursive: true, force: true });
}

export interface ScaffoldOptions {
  /** Where to run (the directory argument is relative to it). */
  cwd: string;
  /** Extra environment; `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Written to stdin then closed; default: stdin closed at once. */
  input?: string;
}

/**
 * npm settings for the installs the CLI runs in the tests. `prefer-offline`: npm takes package
 * metadata it already has in its cache without asking the registry whether it changed, and
 * fetches only what is missing. The install is otherwise the same real `npm install` (same
 * pinned versions, tarballs from the cache, install scripts run, better-sqlite3 compiled);
 * the revalidation round trips were two thirds of an install here (27 s → 8 s for a Redis app).
 */
export const INSTALL_ENV = { npm_config_prefer_offline: 'true' };

/**
 * Run the installed CLI from the tarball with `args` in `cwd`, stdin closed, and capture
 * stdout, stderr and the exit code. Never throws on a non-zero exit: assert on the result.
 */
export async function scaffold(args: string[], opts: ScaffoldOptions): Promise<RunResult> {
  const { bin } = await cli();
  return run(bin, args, {
    cwd: opts.cwd,
    env: userEnv({ ...INSTALL_ENV, ...opts.env }),
    timeoutMs: opts.timeoutMs ?? 600_000,
    input: opts.input,
  });
}

/**
 * `npx ./<tarball> …args` exactly as the issue shows it, stdin closed.
 *
 * Two npm 11 facts shape this:
 * - the tarball is copied into `cwd` and passed as `./x.tgz`: libnpmexec first looks for
 *   args[0] as a file under every parent's node_modules/.bin, and `resolve(binDir, arg)`
 *   turns an absolute path (or a `../..` path that climbs high enough) into the tarball
 *   itself, which it then executes as a command ("Permission denied", exit 126).
 *   `file:/abs/x.tgz` also works.
 * - npx asks "Ok to proceed?" before installing a package it does not have, and with CI set
 *   and no TTY it cancels instead. `npm_config_yes=true` is the answer a user types (npx's own
 *   `--yes` would have to come before the tarball, which would change the command's form).
 */
export async function npxTarball(args: string[], opts: ScaffoldOptions): Promise<RunResult> {
  const { tarball } = await cli();
  const local = join(opts.cwd, basename(tarball));
  await copyFile(tarball, local);
  return run('npx', [`./${basename(tarball)}`, ...args], {
    cwd: opts.cwd,
    env: userEnv({ npm_config_yes: 'true', ...opts.env }),
    timeoutMs: opts.timeoutMs ?? 300_000,
    input: opts.input,
  });
}
