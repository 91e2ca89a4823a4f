// Helpers shared by the bench scripts. Not part of the package nor of `npm test`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BENCH_TMP = join(REPO_ROOT, '.e2e-tmp', 'bench');
export const PACKAGE_NAME = 'create-express-session-app';

/** The environment a user's shell would have (no npm_* / NODE_ENV / NODE_OPTIONS from `npm run`). */
export function userEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(VITEST|__VITEST|TINYPOOL|npm_|NPM_|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$)/.test(key)) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Run to completion, stdin closed, output captured. Resolves { code, stdout, stderr, ms }. */
export function run(cmd, args, { cwd, env = userEnv(), timeoutMs } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = timeoutMs
      ? setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {}
        }, timeoutMs)
      : undefined;
    child.on('error', (err) => (stderr += `\n[spawn error] ${err.message}`));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, command: [cmd, ...args].join(' ') });
    });
  });
}

export function must(r, what) {
  if (r.code !== 0) {
    throw new Error(`${what} failed: \`${r.command}\` exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
  }
  return r;
}

/** `npm pack` the repository into `dir` (dist/ must be built); returns the tarball path. */
export async function packTarball(dir) {
  if (!existsSync(join(REPO_ROOT, 'dist', 'index.cjs'))) throw new Error('dist/index.cjs is missing: run `npm run build` first.');
  await mkdir(dir, { recursive: true });
  const r = must(await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, timeoutMs: 120_000 }), 'npm pack');
  const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0];
  return { tarball: join(dir, info.filename), info };
}

/** Install a tarball into `prefix` as npx would; returns the bin path. */
export async function installTarball(tarball, prefix) {
  await mkdir(prefix, { recursive: true });
  must(
    await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: prefix, timeoutMs: 300_000 }),
    'installing the tarball',
  );
  return join(prefix, 'node_modules', '.bin', PACKAGE_NAME);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function load() {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** Parses `--name value` / `--flag` arguments into an object. */
export function flags(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(no-)?([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unknown argument ${argv[i]}`);
    const key = m[2].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`Unknown option --${m[2]}`);
    if (m[1]) out[key] = false;
    else if (typeof defaults[key] === 'boolean') out[key] = true;
    else {
      const v = m[3] ?? argv[++i];
      out[key] = typeof defaults[key] === 'number' ? Number(v) : v;
    }
  }
  return out;
}

/** A markdown table from rows of cells. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(all[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...all.slice(1).map(line)].join('\n');
}
