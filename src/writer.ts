import { dirname, join } from 'node:path';
import type * as NodeFs from 'node:fs';

/**
 * The part of `node:fs` the writer uses: node's, or memfs's in tests. Synchronous calls: a
 * scaffold writes ~30 small files, and waiting on the thread pool for each open, write and
 * close made writing take ~3× as long (bench/scaffold.mjs). writeFiles still yields to the
 * event loop every few files, so that Ctrl-C is seen mid-write.
 */
export type WriterFs = Pick<
  typeof NodeFs,
  'mkdirSync' | 'writeFileSync' | 'readFileSync' | 'lstatSync' | 'readdirSync' | 'rmSync' | 'rmdirSync' | 'accessSync'
>;

export type TargetState =
  | { kind: 'missing' }
  | { kind: 'empty' }
  | { kind: 'non-empty'; entries: string[] }
  | { kind: 'not-a-directory' }
  | { kind: 'unwritable'; path: string; reason: string };

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Nothing there, or a file where a folder on the way was expected. */
function isAbsent(error: unknown): boolean {
  return isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR';
}

/** What is at the target now. A folder holding only `.git` counts as empty. */
export function inspectTarget(fs: WriterFs, target: string): TargetState {
  try {
    const stat = fs.lstatSync(target);
    if (!stat.isDirectory()) return { kind: 'not-a-directory' };
    const entries = fs.readdirSync(target).map(String).filter((name) => name !== '.git');
    if (entries.length > 0) return { kind: 'non-empty', entries };
    return writable(fs, target, { kind: 'empty' });
  } catch (error) {
    if (!isAbsent(error)) throw error;
  }
  let ancestor = dirname(target);
  for (;;) {
    try {
      const stat = fs.lstatSync(ancestor);
      if (!stat.isDirectory()) return { kind: 'unwritable', path: ancestor, reason: 'is a file, not a folder' };
      return writable(fs, ancestor, { kind: 'missing' });
    } catch (error) {
      if (!isAbsent(error) || dirname(ancestor) === ancestor) throw error;
      ancestor = dirname(ancestor);
    }
  }
}

function writable(fs: WriterFs, path: string, ok: TargetState): TargetState {
  try {
    fs.accessSync(path, 2 /* W_OK */);
    return ok;
  } catch {
    return { kind: 'unwritable', path, reason: 'is not writable' };
  }
}

/** A path inside the target that is a symbolic link: writing through it could land outside. */
export class UnsafePath extends Error {
  constructor(readonly path: string) {
    super(`${path} is a symbolic link: refusing to write through it (it could lead outside the target directory)`);
    this.name = 'UnsafePath';
  }
}

/**
 * Refuses a file whose path below `target` goes through (or is) a symbolic link, so that
 * nothing is ever written outside the target. The target itself may be a link.
 */
function assertNoLinks(fs: WriterFs, target: string, relativePath: string, checked: Map<string, 'ok' | 'missing'>): void {
  let current = target;
  for (const part of relativePath.split('/')) {
    current = join(current, part);
    const known = checked.get(current);
    if (known === 'missing') return;
    if (known === 'ok') continue;
    try {
      if (fs.lstatSync(current).isSymbolicLink()) throw new UnsafePath(current);
    } catch (error) {
      if (!isMissing(error)) throw error;
      checked.set(current, 'missing'); // nothing there yet: everything below is created by us
      return;
    }
    checked.set(current, 'ok');
  }
}

export class WriteCancelled extends Error {
  constructor() {
    super('Cancelled while writing; everything this run created was removed.');
    this.name = 'WriteCancelled';
  }
}

/** How often writeFiles looks for Ctrl-C: a few milliseconds of writing. */
const filesBetweenChecks = 16;

/** What a write did, so that it can be undone exactly. */
interface Journal {
  createdDirs: string[];
  createdFiles: string[];
  overwritten: Map<string, Buffer>;
}

function existingContent(fs: WriterFs, path: string): Buffer | undefined {
  try {
    return Buffer.from(fs.readFileSync(path));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Folders already made sure of in this write; nothing is inside a folder it created. */
interface Folders {
  existing: Set<string>;
  created: Set<string>;
}

function ensureDir(fs: WriterFs, dir: string, journal: Journal, folders: Folders): void {
  if (folders.existing.has(dir) || folders.created.has(dir)) return;
  const missing: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    if (folders.existing.has(current) || folders.created.has(current)) break;
    try {
      fs.lstatSync(current);
      folders.existing.add(current);
      break;
    } catch (error) {
      if (!isMissing(error) || dirname(current) === current) throw error;
      missing.unshift(current);
    }
  }
  for (const path of missing) {
    fs.mkdirSync(path);
    journal.createdDirs.push(path);
    folders.created.add(path);
  }
}

/** Writes one file, noting whether it was new or what it replaced. */
function writeOne(fs: WriterFs, path: string, content: string | Buffer, journal: Journal, folders: Folders): void {
  if (folders.created.has(dirname(path))) {
    // In a folder this write created the file can't exist yet: skip reading it first ('wx'
    // still refuses to replace one that appeared meanwhile).
    try {
      fs.writeFileSync(path, content, { flag: 'wx' });
      journal.createdFiles.push(path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const previous = existingContent(fs, path);
  if (previous === undefined) journal.createdFiles.push(path);
  else if (!journal.overwritten.has(path)) journal.overwritten.set(path, previous);
  fs.writeFileSync(path, content);
}

/** Removes what the write created and puts back what it overwrote; pre-existing files stay. */
function undo(fs: WriterFs, journal: Journal): void {
  for (const path of journal.createdFiles.reverse()) fs.rmSync(path, { force: true });
  for (const [path, content] of journal.overwritten) fs.writeFileSync(path, content);
  for (const path of journal.createdDirs.reverse()) {
    try {
      fs.rmdirSync(path);
    } catch {
      // not empty: it holds a file that was there before
    }
  }
}

/** Removes one file, keeping its contents in the journal so that undo can write it back. */
function removeOne(fs: WriterFs, path: string, journal: Journal): void {
  const previous = existingContent(fs, path);
  if (previous === undefined) return;
  if (!journal.overwritten.has(path)) journal.overwritten.set(path, previous);
  fs.rmSync(path);
}

/**
 * Writes `files` (relative POSIX paths) under `target`, then removes the files of `remove`
 * (`switch` and `update` drop a store's files); refuses (UnsafePath, nothing written) a path
 * through a symbolic link below the target. On any failure, or when `signal` has aborted
 * (looked at every `filesBetweenChecks` files and at the end), it undoes its own work
 * (removed files come back) and rethrows (WriteCancelled for an abort).
 */
export async function writeFiles(
  fs: WriterFs,
  target: string,
  files: Map<string, string | Buffer>,
  signal?: { readonly aborted: boolean },
  remove: string[] = [],
): Promise<{ written: number }> {
  const journal: Journal = { createdDirs: [], createdFiles: [], overwritten: new Map() };
  // Checked before anything is written, so a refusal leaves no trace.
  const checked = new Map<string, 'ok' | 'missing'>();
  for (const relative of [...files.keys(), ...remove]) assertNoLinks(fs, target, relative, checked);
  const folders: Folders = { existing: new Set(), created: new Set() };
  const cancelled = async () => {
    await new Promise((resolve) => setImmediate(resolve)); // lets a SIGINT handler run
    return signal?.aborted ?? false;
  };
  try {
    ensureDir(fs, target, journal, folders);
    let index = 0;
    for (const [relative, content] of files) {
      if (++index % filesBetweenChecks === 0 && (await cancelled())) throw new WriteCancelled();
      const path = join(target, ...relative.split('/'));
      ensureDir(fs, dirname(path), journal, folders);
      writeOne(fs, path, content, journal, folders);
    }
    for (const relative of remove) removeOne(fs, join(target, ...relative.split('/')), journal);
    if (await cancelled()) throw new WriteCancelled();
    return { written: files.size };
  } catch (error) {
    undo(fs, journal);
    throw error;
  }
}
