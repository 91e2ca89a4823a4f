/**
 * `.env` and `.env.example` merged by variable, not by line: every value the user set stays (the
 * session secret above all), the new store's variables come in, and the old store's go when the
 * user left them as generated. A line merge would call the user's own variable at the end of the
 * file a conflict with the store's block just above it.
 */

/** One variable with the comment and blank lines above it; `name` is undefined for the lines after the last one. */
interface Block {
  name?: string;
  lines: string[];
}

const assignment = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;

function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  let pending: string[] = [];
  for (const line of text.split('\n')) {
    pending.push(line);
    const name = assignment.exec(line)?.[1];
    if (name !== undefined) {
      blocks.push({ name, lines: pending });
      pending = [];
    }
  }
  blocks.push({ lines: pending });
  return blocks;
}

const same = (a: Block | undefined, b: Block | undefined) => a !== undefined && b !== undefined && a.lines.join('\n') === b.lines.join('\n');

/** The merged text, and a note for each old variable kept because the user had set it. */
export function mergeEnv(base: string, theirs: string, ours: string): { text: string; notes: string[] } {
  const byName = (text: string) => new Map(blocksOf(text).flatMap((b) => (b.name ? [[b.name, b] as const] : [])));
  const [before, after] = [byName(base), byName(theirs)];
  const notes: string[] = [];
  const result: Block[] = [];
  for (const block of blocksOf(ours)) {
    const name = block.name;
    if (name === undefined || !before.has(name)) result.push(block); // the user's own lines
    else if (!after.has(name)) {
      // a variable the new version no longer reads
      if (!same(block, before.get(name))) {
        result.push(block);
        notes.push(`${name}: kept the value you set, though the app no longer reads it`);
      }
    } else result.push(same(block, before.get(name)) ? after.get(name)! : block);
  }
  // The new version's variables the file lacks, each after the variable it follows in the new version.
  let previous: string | undefined;
  for (const [name, block] of after) {
    if (!result.some((b) => b.name === name)) {
      const at = previous === undefined ? -1 : result.findIndex((b) => b.name === previous);
      result.splice(at === -1 ? result.length - 1 : at + 1, 0, block);
    }
    previous = name;
  }
  return { text: result.flatMap((b) => b.lines).join('\n'), notes };
}
