import { merge } from 'node-diff3';
import { mergeEnv } from './env.js';
import { mergePackageJson } from './package-json.js';

/**
 * The three-way merge of a project, file by file, in memory: `base` is the project as the
 * recorded answers render it, `theirs` as the new answers (or version) render it, `ours` what is
 * on disk. What the user never touched follows the new version; what they changed is merged;
 * where both changed the same lines the file gets git-style conflict markers and is listed.
 */

export type Content = string | Buffer;

export type Action =
  /** A file the new version adds. */
  | 'create'
  /** A file the user never touched: replaced by the new version's. */
  | 'update'
  /** A file the user changed, merged cleanly with the new version's changes. */
  | 'merge'
  /** A file the user never touched that the new version drops. */
  | 'remove'
  /** Both changed it: written with conflict markers, or left as it was (`note` says why). */
  | 'conflict';

export interface Change {
  path: string;
  action: Action;
  /** What is written; undefined for a removal or a conflict left as it was. */
  content?: Content;
  /** What was on disk (for the diff); undefined for a new file. */
  before?: Content;
  /** What the user should know: a kept value, the keys in conflict, why a file was left alone. */
  notes: string[];
}

export interface MergeInput {
  base: Map<string, Content>;
  theirs: Map<string, Content>;
  /** The file on disk, undefined when there is none. */
  ours(path: string): Content | undefined;
  /** Conflict marker labels: `<<<<<<< yours` … `>>>>>>> theirs`. */
  labels: { ours: string; theirs: string };
  /** Always take the new version's file (the record). */
  alwaysTheirs?: ReadonlySet<string>;
}

const bytes = (content: Content) => (typeof content === 'string' ? Buffer.from(content) : content);
const equal = (a: Content | undefined, b: Content | undefined) => a !== undefined && b !== undefined && bytes(a).equals(bytes(b));
/** Text we can merge by line: no NUL byte, valid UTF-8. */
const isText = (content: Content) => !bytes(content).includes(0) && Buffer.from(bytes(content).toString('utf8')).equals(bytes(content));

/** A line merge with node-diff3 (git's own labels and markers); `clean` when nothing conflicted. */
export function mergeText(base: string, theirs: string, ours: string, labels: MergeInput['labels']): { text: string; clean: boolean } {
  const result = merge(ours.split('\n'), base.split('\n'), theirs.split('\n'), { label: { a: labels.ours, b: labels.theirs } });
  return { text: result.result.join('\n'), clean: !result.conflict };
}

/** Both sides changed a file that exists in all three: merged by key or by line. */
function mergeChanged(path: string, base: Content, theirs: Content, ours: Content, labels: MergeInput['labels']): Change {
  const change = (action: Action, content: Content | undefined, notes: string[] = []): Change => ({ path, action, content, before: ours, notes });
  if (!isText(base) || !isText(theirs) || !isText(ours)) return change('conflict', undefined, ['a binary file both you and the new version changed: kept yours']);
  const [b, t, o] = [base, theirs, ours].map((c) => bytes(c).toString('utf8')) as [string, string, string];
  const name = path.split('/').pop()!;
  if (name === '.env' || name === '.env.example') {
    const { text, notes } = mergeEnv(b, t, o);
    return change('merge', text, notes);
  }
  if (path === 'package.json') {
    const merged = mergePackageJson(b, t, o);
    if (merged) return merged.conflicts.length ? change('conflict', merged.text, merged.conflicts) : change('merge', merged.text);
  }
  const { text, clean } = mergeText(b, t, o, labels);
  return clean ? change('merge', text) : change('conflict', text, ['conflict markers: keep what you want, delete the markers']);
}

/** What to do with each file; files no side changed are left out. */
export function mergeProject({ base, theirs, ours, labels, alwaysTheirs = new Set() }: MergeInput): Change[] {
  const changes: Change[] = [];
  const paths = [...new Set([...theirs.keys(), ...base.keys()])];
  for (const path of paths) {
    const [b, t, o] = [base.get(path), theirs.get(path), ours(path)];
    const change = (action: Action, content?: Content, notes: string[] = []) => changes.push({ path, action, content, before: o, notes });
    if (equal(o, t) || (o === undefined && t === undefined)) continue; // already as the new version has it
    if (alwaysTheirs.has(path) && t !== undefined) change(o === undefined ? 'create' : 'update', t);
    else if (b !== undefined && equal(t, b)) continue; // the new version changes nothing here: the user's file (or its absence) stays
    else if (o === undefined) {
      if (b === undefined) change('create', t);
      else if (path === '.env') continue; // not committed: a fresh clone has none, and .env.example tells what to set
      else change('conflict', undefined, ['you deleted this file and the new version changes it: not restored; compare with a new project']);
    } else if (t === undefined) {
      if (equal(o, b)) change('remove');
      else change('conflict', undefined, ['you changed this file and the new version no longer has it: kept; delete it once nothing uses it']);
    } else if (b === undefined) changes.push(mergeChanged(path, '', t, o, labels)); // added on both sides: merged against nothing
    else if (equal(o, b)) change('update', t);
    else changes.push(mergeChanged(path, b, t, o, labels));
  }
  return changes;
}
