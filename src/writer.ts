import { dirname, join } from 'node:path';
import type { promises as NodeFsPromises } from 'node:fs';

/** The part of `fs.promises` the writer uses: node's, or memfs's in tests. */
export type WriterFs = Pick<typeof NodeFsPromises, 'mkdir' | 'writeFile' | 'readFile' | 'lstat' | 'readdir' | 'rm' | 'rmdir' | 'access'>;

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
export async function inspectTarget(fs: WriterFs, target: string): Promise<TargetState> {
  try {
    const stat = await fs.lstat(target);
    if (!stat.isDirectory()) return { kind: 'not-a-directory' };
    const entries = (await fs.readdir(target)).map(String).filter((name) => name !== '.git');
    if (entries.length > 0) return { kind: 'non-empty', entries };
    return writable(fs, target, { kind: 'empty' });
  } catch (error) {
    if (!isAbsent(error)) throw error;
  }
  let ancestor = dirname(target);
  for (;;) {
    try {
      const stat = await fs.lstat(ancestor);
      if (!stat.isDirectory()) return { kind: 'unwritable', path: ancestor, reason: 'is a file, not a folder' };
      return writable(fs, ancestor, { kind: 'missing' });
    } catch (error) {
      if (!isAbsent(error) || dirname(ancestor) === ancestor) throw error;
      ancestor = dirname(ancestor);
    }
  }
}

async function writable(fs: WriterFs, path: string, ok: TargetState): Promise<TargetState> {
  try {
    await fs.access(path, 2 /* W_OK */);
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
async function assertNoLinks(fs: WriterFs, target: string, relativePath: string, checked: Set<string>): Promise<void> {
  let current = target;
  for (const part of relativePath.split('/')) {
    current = join(current, part);
    if (checked.has(current)) continue;
    try {
      if ((await fs.lstat(current)).isSymbolicLink()) throw new UnsafePath(current);
    } catch (error) {
      if (isMissing(error)) return; // nothing there yet: everything below is created by us
      throw error;
    }
    checked.add(current);
  }
}

export class WriteCancelled extends Error {
  constructor() {
    super('Cancelled while writing; everything this run created was removed.');
    this.name = 'WriteCancelled';
  }
}

/** What a write did, so that it can be undone exactly. */
interface Journal {
  createdDirs: string[];
  createdFiles: string[];
  overwritten: Map<string, Buffer>;
}

async function existingContent(fs: WriterFs, path: string): Promise<Buffer | undefined> {
  try {
    return Buffer.from(await fs.readFile(path));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

async function ensureDir(fs: WriterFs, dir: string, journal: Journal): Promise<void> {
  const missing: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    try {
      await fs.lstat(current);
      break;
    } catch (error) {
      if (!isMissing(error) || dirname(current) === current) throw error;
      missing.unshift(current);
    }
  }
  for (const path of missing) {
    await fs.mkdir(path);
    journal.createdDirs.push(path);
  }
}

/** Removes what the write created and puts back what it overwrote; pre-existing files stay. */
async function undo(fs: WriterFs, journal: Journal): Promise<void> {
  for (const path of journal.createdFiles.reverse()) await fs.rm(path, { force: true });
  for (const [path, content] of journal.overwritten) await fs.writeFile(path, content);
  for (const path of journal.createdDirs.reverse()) await fs.rmdir(path).catch(() => undefined);
}

/**
 * Writes `files` (relative POSIX paths) under `target`; refuses (UnsafePath, nothing written) a
 * path through a symbolic link below the target. On any failure, or when `signal` aborts
 * between two files, it undoes its own work and rethrows (WriteCancelled for an abort).
 */
export async function writeFiles(
  fs: WriterFs,
  target: string,
  files: Map<string, string | Buffer>,
  signal?: AbortSignal,
): Promise<{ written: number }> {
  const journal: Journal = { createdDirs: [], createdFiles: [], overwritten: new Map() };
  // Checked before anything is written, so a refusal leaves no trace.
  const checked = new Set<string>();
  for (const relative of files.keys()) await assertNoLinks(fs, target, relative, checked);
  try {
    await ensureDir(fs, target, journal);
    for (const [relative, content] of files) {
      if (signal?.aborted) throw new WriteCancelled();
      const path = join(target, ...relative.split('/'));
      await ensureDir(fs, dirname(path), journal);
      const previous = await existingContent(fs, path);
      if (previous === undefined) journal.createdFiles.push(path);
      else if (!journal.overwritten.has(path)) journal.overwritten.set(path, previous);
      await fs.writeFile(path, content);
    }
    if (signal?.aborted) throw new WriteCancelled();
    return { written: files.size };
  } catch (error) {
    await undo(fs, journal);
    throw error;
  }
}
