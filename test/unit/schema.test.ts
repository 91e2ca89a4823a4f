import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/options.js';
import { createOptions, readmeFlagRows } from '../../src/cli/schema.js';
import { rerunCommand } from '../../src/cli/summary.js';
import { answers } from './fixtures.js';

/** The README's flag table: `| flag | meaning |` rows up to the first line that is not one. */
function readmeTable(): { flag: string; meaning: string; default: string | undefined }[] {
  const lines = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('\n');
  const start = lines.indexOf('| flag | meaning |');
  expect(start, 'README has a "| flag | meaning |" table').toBeGreaterThan(-1);
  const rows: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows.map((row) => {
    // Split on the one unescaped pipe between the two columns.
    const [flag, meaning] = row
      .slice(2, -2)
      .split(/ (?<!\\)\| /)
      .map((cell) => cell.trim());
    return { flag: flag!, meaning: meaning!, default: /\(default: (.*)\)$/.exec(meaning!)?.[1] };
  });
}

describe('the option schema', () => {
  it('is the README flag table, row for row: flag, default and meaning', () => {
    const documented = readmeTable();
    const declared = readmeFlagRows().map(([flag, meaning]) => ({ flag, meaning, default: /\(default: (.*)\)$/.exec(meaning)?.[1] }));
    expect(documented.map((r) => r.flag), 'flags').toEqual(declared.map((r) => r.flag));
    expect(documented.map((r) => [r.flag, r.default]), 'defaults').toEqual(declared.map((r) => [r.flag, r.default]));
    expect(documented, 'meanings').toEqual(declared);
  });

  it('is the create command commander parses: every flag in --help', async () => {
    const help = await parseArgs(['--help'], 'x', '1.0.0');
    for (const option of createOptions) {
      for (const flag of option.flags.split(/,\s*|\s+/).filter((f) => f.startsWith('-'))) {
        expect(help.kind === 'info' && help.text, flag).toContain(flag);
      }
    }
  });

  it('gives each answer its form in the re-run command', () => {
    expect(rerunCommand(answers({ directory: 'my app', template: './tpl', force: true, install: false, docker: false }))).toMatch(
      / 'my app' --store sqlite --lang ts --pm npm --no-install --git --no-docker --template \.\/tpl --force --yes$/,
    );
  });
});
