import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { Answers } from '../answers.js';
import { generator } from '../generator.js';
import { mergeProject, type Change, type Content } from '../merge/files.js';
import { commandsOf } from '../pm.js';
import { answersOf, makeRecord, readRecord, recordFile, RecordError, recordText, type ProjectRecord } from '../record.js';
import { compareVersions } from '../stamp.js';
import { findStore, stores } from '../stores/index.js';
import { UnsafePath, writeFiles, WriteCancelled } from '../writer.js';
import { planProject } from './create.js';
import { Cancelled, exitCodes, UsageError } from './errors.js';
import { whileInterruptible } from './interrupt.js';
import type { LifecycleOptions } from './options.js';
import type { Reporter } from './report.js';
import { probe } from './steps.js';

/**
 * `switch`, `update` and `check`: render the project as its record says it was made (base) and
 * as it should now be (theirs), and merge both into the files on disk (src/merge/files.ts).
 */

interface Context {
  cwd: string;
}

function projectOf(options: LifecycleOptions, ctx: Context): { dir: string; record: ProjectRecord } {
  const dir = resolve(ctx.cwd, options.cwd ?? '.');
  try {
    return { dir, record: readRecord(dir, generator.version) };
  } catch (error) {
    if (error instanceof RecordError) throw new UsageError(error.problems);
    throw error;
  }
}

function readOurs(dir: string, path: string): Buffer | undefined {
  try {
    return fs.readFileSync(join(dir, ...path.split('/')));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}

/**
 * The secret both renders use: the one in the project's .env, so that an untouched .env renders
 * the same and the secret is never replaced.
 */
function secretOf(dir: string): string {
  const env = readOurs(dir, '.env')?.toString('utf8') ?? '';
  return /^SESSION_SECRET=(.*)$/m.exec(env)?.[1] ?? randomBytes(36).toString('base64url');
}

/** Files this version renders for `answers` in `dir`, with the record it writes. */
async function renderHere(answers: Answers, dir: string, secret: string, reporter: Reporter): Promise<Map<string, Content>> {
  const plan = await planProject(answers, dir, reporter, secret);
  plan.files.set(recordFile, recordText(makeRecord(answers, generator, dir, dir)));
  return plan.files;
}

function filesUnder(root: string): Map<string, Content> {
  const files = new Map<string, Content>();
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(join(entry.parentPath, entry.name).slice(root.length + 1).split(sep).join('/'), fs.readFileSync(join(entry.parentPath, entry.name)));
  }
  return files;
}

/**
 * The project as an earlier version made it: that version's own CLI, fetched by npm (as
 * `npx create-express-session-app@<version>` would) and run into a temporary folder with the
 * recorded answers.
 */
async function renderRelease(record: ProjectRecord, answers: Answers): Promise<Map<string, Content>> {
  const { execa } = await import('execa');
  const scratch = fs.mkdtempSync(join(tmpdir(), 'cesa-base-'));
  const out = join(scratch, answers.projectName);
  const spec = `${record.generator}@${record.version}`;
  const args = ['--store', answers.store.id, '--lang', answers.lang, '--pm', answers.pm, answers.docker ? '--docker' : '--no-docker'];
  if (answers.template) args.push('--template', answers.template);
  try {
    await execa('npm', ['exec', '--yes', `--package=${spec}`, '--', record.generator, out, ...args, '--yes', '--no-install', '--no-git'], {
      cwd: scratch,
      stdin: 'ignore',
      all: true,
      timeout: 300_000,
    });
    return filesUnder(out);
  } catch (error) {
    const detail = ((error as { all?: string }).all ?? (error as Error).message).trim().split('\n').slice(0, 4).join('\n');
    throw new ReleaseUnavailable(
      `Could not run ${spec} through npm to render the project as that version made it:\n${detail}\n` +
        'The merge needs it to tell your edits from the old templates. Check the network or the npm registry (npm config get registry) and run again.',
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

class ReleaseUnavailable extends Error {}

/** `git status` of the project's folder; undefined outside a repository (or without git). */
async function uncommitted(dir: string): Promise<string[] | undefined> {
  if ((await probe('git', ['rev-parse', '--is-inside-work-tree'], dir)) !== 'true') return undefined;
  const status = await probe('git', ['status', '--porcelain', '--', '.'], dir);
  return status ? status.split('\n').map((line) => line.trim()) : [];
}

async function refuseDirtyTree(dir: string, options: LifecycleOptions, reporter: Reporter): Promise<void> {
  const dirty = await uncommitted(dir);
  if (dirty === undefined) {
    reporter.warning('The project is not in a git repository: back it up first, or a conflict is harder to undo.');
  } else if (dirty.length && !options.force && !options.dryRun) {
    throw new UsageError([
      `The project has uncommitted changes (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}).`,
      'Commit or stash them first, so that the merge can be reviewed and undone with git, or pass --force.',
    ]);
  }
}

const verbs: Record<Change['action'], string> = { create: 'create', update: 'update', merge: 'merged', remove: 'remove', conflict: 'CONFLICT' };

function dependencyChanges(changes: Change[]): string[] {
  const change = changes.find((c) => c.path === 'package.json' && c.content !== undefined && c.before !== undefined);
  if (!change) return [];
  const names = (text: Content) => {
    try {
      const pkg = JSON.parse(text.toString()) as Record<string, Record<string, string> | undefined>;
      return new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
    } catch {
      return new Set<string>();
    }
  };
  const [before, after] = [names(change.before!), names(change.content!)];
  return [...[...before].filter((n) => !after.has(n)).map((n) => `-${n}`), ...[...after].filter((n) => !before.has(n)).map((n) => `+${n}`)];
}

function patchOf(change: Change): string {
  const text = (c: Content | undefined) => c?.toString('utf8') ?? '';
  const binary = [change.before, change.content].some((c) => c !== undefined && typeof c !== 'string' && c.includes(0));
  if (binary) return `Binary file ${change.path} ${change.action === 'remove' ? 'removed' : 'differs'}\n`;
  const from = change.before === undefined ? '/dev/null' : `a/${change.path}`;
  const to = change.action === 'remove' ? '/dev/null' : `b/${change.path}`;
  return createTwoFilesPatch(from, to, text(change.before), change.content === undefined ? text(change.before) : text(change.content));
}

function nextSteps(answers: Answers, changes: Change[], conflicts: Change[], dir: string, ctx: Context): string[] {
  const pm = commandsOf(answers.pm);
  const steps: string[] = [];
  const where = resolve(ctx.cwd) === dir ? undefined : dir;
  if (where) steps.push(`cd ${where}`);
  if (conflicts.length) steps.push(`resolve the conflicts in ${conflicts.map((c) => c.path).join(', ')} (search for <<<<<<<)`);
  if (changes.some((c) => c.path === 'package.json')) steps.push(pm.install);
  if (!fs.existsSync(join(dir, '.env'))) steps.push('cp .env.example .env   # then set SESSION_SECRET');
  if (answers.store.service && fs.existsSync(join(dir, 'docker-compose.yml'))) steps.push(`docker compose up -d ${answers.store.service.name}   # start the session store`);
  steps.push(`${pm.run} test`, 'git diff   # review, then commit');
  return steps;
}

interface MergeRun {
  command: 'switch' | 'update';
  dir: string;
  record: ProjectRecord;
  /** The store after the run. */
  store: string;
}

/** Base and theirs rendered, merged into the files on disk: what would change, in memory. */
async function planMerge({ dir, record, store }: MergeRun, reporter: Reporter): Promise<Change[]> {
  const base = answersOf(record, dir);
  const secret = secretOf(dir);
  const baseFiles = record.version === generator.version ? await renderHere(base, dir, secret, reporter) : await renderRelease(record, base);
  const theirs = await renderHere(answersOf(record, dir, store), dir, secret, reporter);
  return mergeProject({
    base: baseFiles,
    theirs,
    ours: (path) => readOurs(dir, path),
    labels: { ours: 'yours', theirs: `${store} (${generator.name} ${generator.version})` },
    alwaysTheirs: new Set([recordFile]),
  });
}

function printChanges(reporter: Reporter, changes: Change[], dependencies: string[]): void {
  for (const change of changes) {
    const line = `  ${verbs[change.action].padEnd(8)} ${change.path}`;
    reporter.line(change.action === 'conflict' ? reporter.style('red', line) : line);
    for (const note of change.notes) reporter.line(reporter.style('dim', `           ${note}`));
  }
  if (dependencies.length) reporter.line(`Dependencies: ${dependencies.join(' ')}`);
}

/** Writes and removes as `changes` say; on a failure or Ctrl-C every file is put back (the writer's journal). */
async function writeChanges(dir: string, changes: Change[]): Promise<void> {
  const writes = new Map(changes.flatMap((c) => (c.content === undefined ? [] : [[c.path, c.content] as const])));
  const removals = changes.filter((c) => c.action === 'remove').map((c) => c.path);
  try {
    await whileInterruptible((interrupt) => writeFiles(fs, dir, writes, interrupt, removals));
  } catch (error) {
    if (error instanceof WriteCancelled) throw new Cancelled('Cancelled while writing; every file is back as it was.');
    if (error instanceof UnsafePath) throw new UsageError([`${error.message}.`]);
    throw error;
  }
}

/** `switch` and `update`: checks, merge in memory, then the diff (--dry-run) or the write, and what to do next. */
async function mergeInto(run: MergeRun, options: LifecycleOptions, reporter: Reporter, ctx: Context): Promise<number> {
  const { dir, record, store } = run;
  if (record.answers.template && !fs.existsSync(answersOf(record, dir).template!)) {
    throw new UsageError([`The template folder recorded in ${recordFile} (${record.answers.template}) is missing: put it back, or remove "template" from the record.`]);
  }
  await refuseDirtyTree(dir, options, reporter);
  reporter.line(`${run.command === 'switch' ? 'Switching' : 'Updating'} ${record.answers.name}: ${record.answers.store} (${record.version}) → ${store} (${generator.version})`);
  const failed = (message: string) => {
    reporter.error(message);
    reporter.result({ ok: false, exitCode: exitCodes.runtime, error: message });
    return exitCodes.runtime;
  };

  let changes: Change[];
  try {
    changes = await planMerge(run, reporter);
  } catch (error) {
    if (error instanceof ReleaseUnavailable) return failed(`${error.message}\nNothing was written.`);
    throw error;
  }
  const conflicts = changes.filter((c) => c.action === 'conflict');
  const dependencies = dependencyChanges(changes);
  printChanges(reporter, changes, dependencies);
  const summary = {
    command: run.command,
    from: { store: record.answers.store, version: record.version },
    to: { store, version: generator.version },
    dependencies,
    conflicts: conflicts.map((c) => c.path),
  };
  const listed = (diff?: (change: Change) => string) => changes.map((c) => ({ path: c.path, action: c.action, notes: c.notes, ...(diff ? { diff: diff(c) } : {}) }));

  if (options.dryRun) {
    reporter.line();
    for (const change of changes) reporter.line(patchOf(change).trimEnd());
    reporter.line(reporter.style('bold', `Dry run: nothing written (${changes.length} files would change, ${conflicts.length} with conflicts).`));
    reporter.result({ ok: true, dryRun: true, ...summary, files: listed(patchOf) });
    return exitCodes.ok;
  }

  try {
    await writeChanges(dir, changes);
  } catch (error) {
    if (error instanceof Cancelled || error instanceof UsageError) throw error;
    return failed(`Could not write the project: ${(error as Error).message}. Every file is back as it was.`);
  }

  const steps = nextSteps(answersOf(record, dir, store), changes, conflicts, dir, ctx);
  reporter.line();
  if (conflicts.length) reporter.error(`${conflicts.length} file(s) need you: ${conflicts.map((c) => c.path).join(', ')}.`);
  else reporter.line(`${reporter.style('green', '✔')} ${run.command === 'switch' ? `Switched to ${store}` : `Updated to ${generator.version}`} (${changes.length} files changed).`);
  reporter.line(reporter.style('bold', 'Next steps:'));
  for (const step of steps) reporter.line(`  ${step}`);
  const exitCode = conflicts.length ? exitCodes.runtime : exitCodes.ok;
  reporter.result({ ok: exitCode === exitCodes.ok, exitCode, ...summary, files: listed(), nextSteps: steps });
  return exitCode;
}

/** `switch <store>`: the same project on another store of the catalogue. */
export async function switchStore(options: LifecycleOptions, reporter: Reporter, ctx: Context): Promise<number> {
  const store = options.store ?? '';
  if (!findStore(store)) throw new UsageError([`Unknown store "${store}". Choose one of: ${stores.map((s) => s.id).join(', ')} (list them with \`stores\`).`]);
  const { dir, record } = projectOf(options, ctx);
  if (record.answers.store === store && record.version === generator.version) {
    reporter.line(`${record.answers.name} already uses ${store} (version ${record.version}): nothing to do.`);
    reporter.result({ ok: true, command: 'switch', files: [], conflicts: [] });
    return exitCodes.ok;
  }
  if (record.version !== generator.version) reporter.line(`Made with version ${record.version}: this also brings it to ${generator.version}.`);
  return mergeInto({ command: 'switch', dir, record, store }, options, reporter, ctx);
}

/** `update`: the same answers rendered by this version. */
export async function update(options: LifecycleOptions, reporter: Reporter, ctx: Context): Promise<number> {
  const { dir, record } = projectOf(options, ctx);
  if (record.version === generator.version) {
    reporter.line(`${record.answers.name} is up to date (version ${generator.version}).`);
    reporter.result({ ok: true, command: 'update', files: [], conflicts: [] });
    return exitCodes.ok;
  }
  return mergeInto({ command: 'update', dir, record, store: record.answers.store }, options, reporter, ctx);
}

/** `check`: exit 1 when the project was made by an older version than this one (for CI). */
export async function check(options: LifecycleOptions, reporter: Reporter, ctx: Context): Promise<number> {
  const { record } = projectOf(options, ctx);
  const behind = compareVersions(record.version, generator.version) === -1;
  if (behind) {
    reporter.error(`${record.answers.name} was made with version ${record.version}; this is ${generator.version}.`);
    reporter.error(`Bring it up to date with: npx ${generator.name}@${generator.version} update`);
  } else reporter.line(`${record.answers.name} is up to date (version ${record.version}, store ${record.answers.store}).`);
  const exitCode = behind ? exitCodes.runtime : exitCodes.ok;
  reporter.result({ ok: !behind, exitCode, version: record.version, running: generator.version, store: record.answers.store });
  return exitCode;
}
