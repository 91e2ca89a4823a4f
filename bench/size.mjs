#!/usr/bin/env node
// Package weight against the peers and the generated app's dependency count per store:
// `npm run bench:size [-- --stores memory,sqlite,redis,postgres]`.
//
// Each package's tarball size, unpacked size and file count come from `npm pack --dry-run
// --json` (ours from this repo, the peers by pinned version from the registry); its runtime
// dependencies from its package.json; "installs" is the number of packages `npx` would fetch
// (npm install --package-lock-only in an empty folder). The generated app's count is from a
// `--no-install` scaffold locked with `npm install --package-lock-only --ignore-scripts`.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_TMP, REPO_ROOT, flags, must, packTarball, run, table } from './lib.mjs';

const opts = flags(process.argv.slice(2), { stores: 'memory,cookie,sqlite,redis,postgres,mysql,mongodb', json: false });
const devDeps = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).devDependencies;
const peers = [`create-vite@${devDeps['create-vite']}`, 'create-t3-app@7.40.0', `express-generator@${devDeps['express-generator']}`];
const scratch = await mkdtemp(join(tmpdir(), 'cesa-size-'));

/** Packages in a lockfile (all, and those not dev-only). */
function lockCount(dir) {
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8'));
  const entries = Object.entries(lock.packages).filter(([path]) => path !== '');
  return { all: entries.length, prod: entries.filter(([, p]) => !p.dev).length };
}

async function installs(spec) {
  const dir = await mkdtemp(join(scratch, 'installs-'));
  await writeFile(join(dir, 'package.json'), '{"private":true}');
  must(await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: dir, timeoutMs: 300_000 }), `locking ${spec}`);
  return lockCount(dir).all;
}

async function packInfo(spec, cwd) {
  const r = must(await run('npm', ['pack', '--dry-run', '--json', ...(spec ? [spec] : [])], { cwd, timeoutMs: 120_000 }), `npm pack ${spec ?? '(ours)'}`);
  const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0];
  const manifest = spec
    ? JSON.parse(must(await run('npm', ['view', spec, 'dependencies', '--json'], { cwd, timeoutMs: 60_000 }), `npm view ${spec}`).stdout || '{}')
    : JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).dependencies ?? {};
  return { name: `${info.name}@${info.version}`, size: info.size, unpackedSize: info.unpackedSize, files: info.entryCount, dependencies: Object.keys(manifest ?? {}).length };
}

const packages = [];
const ours = await packInfo(undefined, REPO_ROOT);
const { tarball } = await packTarball(join(scratch, 'pack'));
ours.installs = await installs(tarball);
packages.push(ours);
for (const spec of peers) {
  const info = await packInfo(spec, scratch);
  info.installs = await installs(spec);
  packages.push(info);
}

const apps = [];
for (const store of opts.stores.split(',')) {
  const dir = await mkdtemp(join(scratch, `app-${store}-`));
  must(
    await run(process.execPath, [join(REPO_ROOT, 'bin', 'create-express-session-app.js'), 'app', '--store', store, '--no-install', '--no-git', '--no-docker'], { cwd: dir, timeoutMs: 60_000 }),
    `scaffolding ${store}`,
  );
  const app = join(dir, 'app');
  must(await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, timeoutMs: 300_000 }), `locking the ${store} app`);
  const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  apps.push({ store, direct: Object.keys(pkg.dependencies ?? {}).length, directDev: Object.keys(pkg.devDependencies ?? {}).length, ...lockCount(app) });
}
await rm(scratch, { recursive: true, force: true });

const result = { date: new Date().toISOString(), packages, apps };
await mkdir(BENCH_TMP, { recursive: true });
await writeFile(join(BENCH_TMP, 'size.json'), JSON.stringify(result, null, 2));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
if (opts.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log('The package as npm ships it (npm pack --dry-run) and what npx installs for it:\n');
  console.log(table(['package', 'tarball', 'unpacked', 'files', 'runtime deps', 'packages installed'], packages.map((p) => [p.name, kb(p.size), kb(p.unpackedSize), p.files, p.dependencies, p.installs])));
  console.log('\nThe generated app (TypeScript) per store: packages in its lockfile:\n');
  console.log(table(['store', 'direct deps', 'direct dev deps', 'runtime packages', 'all packages (with dev)'], apps.map((a) => [a.store, a.direct, a.directDev, a.prod, a.all])));
}
