import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateFs } from './template-loader.js';

/** Written by `eject` at the root of the folder: which version (and store) the copy came from. */
export const stampFile = '.create-express-session-app.json';

export interface Stamp {
  generator: string;
  version: string;
  /** The store the copy was made for; null when every store's templates were copied. */
  store: string | null;
  ejectedAt: string;
}

export function makeStamp(generator: { name: string; version: string }, store: string | null, now = new Date()): Stamp {
  return { generator: generator.name, version: generator.version, store, ejectedAt: now.toISOString() };
}

function parts(version: string): number[] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? match.slice(1, 4).map(Number) : undefined;
}

/** -1, 0, 1; undefined when either is not a version. */
export function compareVersions(a: string, b: string): number | undefined {
  const [x, y] = [parts(a), parts(b)];
  if (!x || !y) return undefined;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * A warning (never an error) when a `--template` folder was ejected from another version than
 * the one running, or carries a stamp that can't be read. A folder without a stamp is fine.
 */
export function stampWarning(dir: string, label: string, running: string, fs: Pick<TemplateFs, 'readFileSync'> = { readFileSync }): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(join(dir, stampFile), 'utf8') as string;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `${label}/${stampFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); carrying on without it.`;
  }
  let version: unknown;
  try {
    version = (JSON.parse(text) as Partial<Stamp>).version;
  } catch {
    return `${label}/${stampFile} is not valid JSON; carrying on without it.`;
  }
  if (typeof version !== 'string') return `${label}/${stampFile} names no version; carrying on without it.`;
  const order = compareVersions(version, running);
  if (order === 0) return undefined;
  if (order === 1) {
    return (
      `${label} was ejected from version ${version}, newer than this ${running}: it may use slots, helpers or context ` +
      `this version lacks (such a template fails with its file and line). Run the newer version (npm create express-session-app@latest).`
    );
  }
  return (
    `${label} was ejected from version ${version}; this is ${running}. Files you copied keep the old text and miss ` +
    `changes made since: eject again into a new folder and compare (create-express-session-app eject <dir>), then update ${stampFile}.`
  );
}
