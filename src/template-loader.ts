import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateTree } from './plan/templates.js';
import type { StoreDescriptor } from './stores/types.js';

/** The templates folder shipped beside dist/ in the package. */
export const builtinTemplatesDir = fileURLToPath(new URL('../templates', import.meta.url));

/** The part of `node:fs` the loader reads with: node's, or memfs's in tests. */
export type TemplateFs = Pick<typeof import('node:fs'), 'readdirSync' | 'readFileSync' | 'statSync' | 'realpathSync'>;

/**
 * Named imports, not `import * as`: the bundle copies a namespace import of node:fs (over a
 * hundred getters) each time a module is initialised.
 */
const nodeFs: TemplateFs = { readdirSync, readFileSync, statSync, realpathSync };

/** A template folder that can't be used as given (missing, unreadable, a link leading out): exit 2. */
export class TemplateFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateFolderError';
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

interface Walk {
  fs: TemplateFs;
  /** The folder as the user named it (for messages). */
  label: string;
  /** The folder as given, and its real path (links resolved). */
  root: string;
  realRoot: string;
}

function shown(walk: Walk, path: string): string {
  return `${walk.label}/${relative(walk.root, path).split(sep).join('/')}`;
}

/**
 * Files under `dir`, following symbolic links that stay inside the template folder; a link
 * that leads out of it is refused (a template folder can't pull in files from elsewhere).
 */
function walkDir(walk: Walk, dir: string, ancestors: ReadonlySet<string> = new Set()): string[] {
  let entries: Dirent[];
  let real: string;
  try {
    real = walk.fs.realpathSync(dir) as string;
    if (ancestors.has(real)) return []; // a link back up: a cycle
    entries = walk.fs.readdirSync(dir, { withFileTypes: true }) as Dirent[];
  } catch (error) {
    if (code(error) === 'ENOENT') return [];
    throw new TemplateFolderError(`Cannot read ${shown(walk, dir)}: ${code(error) ?? (error as Error).message}.`);
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1))) {
    const path = join(dir, String(entry.name));
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      let real: string;
      try {
        real = walk.fs.realpathSync(path) as string;
      } catch {
        throw new TemplateFolderError(`${shown(walk, path)} is a broken symbolic link.`);
      }
      if (!isInside(walk.realRoot, real)) {
        throw new TemplateFolderError(
          `${shown(walk, path)} is a symbolic link to ${real}, outside the template folder. ` +
            'Copy the file into the folder instead.',
        );
      }
      const stat = walk.fs.statSync(path);
      isDir = stat.isDirectory();
      isFile = stat.isFile();
    }
    if (isDir) {
      files.push(...walkDir(walk, path, new Set([...ancestors, real])));
    } else if (isFile) {
      files.push(path);
    }
  }
  return files;
}

/**
 * Reads the files under `parts` (folders of `root`, e.g. `base`, `partials`, `stores/redis`),
 * keyed by POSIX path relative to the root. `label` prefixes origins in error messages.
 * Throws TemplateFolderError for a folder that is missing, unreadable or links outside.
 */
export function loadTemplateFiles(root: string, parts: string[], label: string, fs: TemplateFs = nodeFs): TemplateTree {
  let realRoot: string;
  try {
    if (!fs.statSync(root).isDirectory()) throw new TemplateFolderError(`${label} is not a folder.`);
    realRoot = fs.realpathSync(root) as string;
    fs.readdirSync(root);
  } catch (error) {
    if (error instanceof TemplateFolderError) throw error;
    if (code(error) === 'ENOENT' || code(error) === 'ENOTDIR') throw new TemplateFolderError(`${label}: no such folder.`);
    throw new TemplateFolderError(`${label} cannot be read: ${code(error) ?? (error as Error).message}.`);
  }
  const walk: Walk = { fs, label, root, realRoot };
  const tree: TemplateTree = new Map();
  for (const part of parts) {
    for (const file of walkDir(walk, join(root, ...part.split('/')))) {
      const key = relative(root, file).split(sep).join('/');
      let content: Buffer;
      try {
        content = Buffer.from(fs.readFileSync(file) as Uint8Array);
      } catch (error) {
        throw new TemplateFolderError(`Cannot read ${label}/${key}: ${code(error) ?? (error as Error).message}.`);
      }
      tree.set(key, { origin: `${label}/${key}`, content });
    }
  }
  return tree;
}

/** What picks a store's layers: its id and its session library. */
export type StoreLayers = Pick<StoreDescriptor, 'id' | 'sessionLibrary'>;

/** The parts of a template folder that one store uses; all of them without a store. */
export function templateParts(store?: StoreLayers): string[] {
  return store ? ['base', `libraries/${store.sessionLibrary}`, 'partials', `stores/${store.id}`] : ['base', 'libraries', 'partials', 'stores'];
}

/** Reads the parts of a template root that one store uses (`base/`, `libraries/<library>/`, `partials/`, `stores/<id>/`). */
export function loadTemplateTree(root: string, store: StoreLayers, label: string, fs: TemplateFs = nodeFs): TemplateTree {
  return loadTemplateFiles(root, templateParts(store), label, fs);
}
