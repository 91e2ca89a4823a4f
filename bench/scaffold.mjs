#!/usr/bin/env node
// Scaffold speed against the peers: `npm run bench:scaffold [-- --runs 15 --no-pack]`.
//
// Each tool scaffolds one project into a fresh empty temp dir, stdin closed, no install,
// no git; the tools run interleaved (round-robin, order rotated every round) so the
// machine's load hits them alike. Wall time is taken around the spawn; CPU (user+sys) and
// peak RSS come from GNU time (/usr/bin/time -f) wrapping the tool's own bin.
// Ours runs from the packed tarball installed into a temp prefix (as npx would run it);
// the peers from this repo's devDependencies (pinned).
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_TMP, REPO_ROOT, flags, installTarball, load, median, packTarball, run, table } from './lib.mjs';

const opts = flags(process.argv.slice(2), { runs: 15, pack: true, json: false, node: true });
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) throw new Error('GNU time (/usr/bin/time) is needed: apt-get install -y time');

const scratch = await mkdtemp(join(tmpdir(), 'cesa-bench-'));
let ours = join(REPO_ROOT, 'bin', 'create-express-session-app.js');
if (opts.pack) {
  const { tarball } = await packTarball(join(scratch, 'pack'));
  ours = await installTarball(tarball, join(scratch, 'prefix'));
}
const bin = (name) => join(REPO_ROOT, 'node_modules', '.bin', name);
const tools = [
  { id: 'ours', label: 'create-express-session-app', cmd: ours, args: ['my-app', '--yes', '--no-install', '--no-git'] },
  { id: 'vite', label: 'create-vite --template vanilla-ts', cmd: bin('create-vite'), args: ['my-app', '--template', 'vanilla-ts'] },
  { id: 'express', label: 'express-generator --no-view', cmd: bin('express'), args: ['--no-view', 'my-app'] },
];
if (opts.node) tools.push({ id: 'node', label: 'node -e 0 (floor)', cmd: process.execPath, args: ['-e', '0'] });
for (const t of tools) t.samples = [];

const loadBefore = load();
for (let round = 0; round < opts.runs; round++) {
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[(round + i) % tools.length];
    const dir = await mkdtemp(join(scratch, `${tool.id}-`));
    const r = await run(TIME, ['-f', '@@TIME %U %S %M', tool.cmd, ...tool.args], { cwd: dir });
    const m = /@@TIME (\S+) (\S+) (\d+)/.exec(r.stderr);
    if (r.code !== 0 || !m) throw new Error(`${tool.label} failed (exit ${r.code})\n${r.stdout}\n${r.stderr}`);
    if (tool.id !== 'node' && readdirSync(join(dir, 'my-app')).length === 0) throw new Error(`${tool.label} wrote nothing`);
    tool.samples.push({ wallMs: r.ms, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, rssKb: Number(m[3]) });
    await rm(dir, { recursive: true, force: true });
  }
}
const loadAfter = load();
await rm(scratch, { recursive: true, force: true });

const summary = tools.map((t) => ({
  id: t.id,
  tool: t.label,
  runs: t.samples.length,
  wallMs: median(t.samples.map((s) => s.wallMs)),
  wallMinMs: Math.min(...t.samples.map((s) => s.wallMs)),
  cpuMs: median(t.samples.map((s) => s.cpuMs)),
  rssMb: median(t.samples.map((s) => s.rssKb)) / 1024,
}));
const by = Object.fromEntries(summary.map((s) => [s.id, s]));
const ratio = { wall: by.ours.wallMs / by.vite.wallMs, cpu: by.ours.cpuMs / by.vite.cpuMs, rss: by.ours.rssMb / by.vite.rssMb };
const result = { date: new Date().toISOString(), node: process.version, runs: opts.runs, packed: opts.pack, load: { before: loadBefore, after: loadAfter }, summary, ratio };
await mkdir(BENCH_TMP, { recursive: true });
await writeFile(join(BENCH_TMP, 'scaffold.json'), JSON.stringify(result, null, 2));

if (opts.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`Scaffold one project, no install, no git, stdin closed: ${opts.runs} interleaved runs each, medians.`);
  console.log(`Node ${process.version}; ours ${opts.pack ? 'from the packed tarball' : 'from bin/ in the repo'}; load average ${loadBefore} → ${loadAfter}.\n`);
  console.log(
    table(
      ['tool', 'wall ms', 'min ms', 'CPU ms (user+sys)', 'peak RSS MB'],
      summary.map((s) => [s.tool, s.wallMs.toFixed(0), s.wallMinMs.toFixed(0), s.cpuMs.toFixed(0), s.rssMb.toFixed(1)]),
    ),
  );
  console.log(`\nours / create-vite: wall ${ratio.wall.toFixed(2)}, CPU ${ratio.cpu.toFixed(2)}, RSS ${ratio.rss.toFixed(2)} (target wall ≤ 1.10, issue #14)`);
}
