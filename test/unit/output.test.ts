import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FdSink, isTerminal } from '../../src/cli/output.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesa-output-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const noStream = () => {
  throw new Error('the process stream was not expected here');
};

describe('FdSink', () => {
  it('writes text, multi-byte characters included, straight to the descriptor in order', () => {
    const file = join(dir, 'out.txt');
    const fd = openSync(file, 'w');
    const sink = new FdSink(fd, noStream);
    sink.write('✔ Created app\n');
    sink.write('x'.repeat(100_000));
    sink.write('\nend\n');
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe(`✔ Created app\n${'x'.repeat(100_000)}\nend\n`);
    expect(sink.isTerminal).toBe(false);
  });

  it('rethrows an error that is not a closed reader', () => {
    const fd = openSync(join(dir, 'ro.txt'), 'w');
    closeSync(fd);
    expect(() => new FdSink(fd, noStream).write('x')).toThrow(/EBADF/);
  });

  it('drops the rest without an error when the reader has gone (EPIPE)', () => {
    // The child writes to a pipe whose reader (`head -c 1`) exits after the first byte.
    const module = join(dir, 'output.mjs');
    writeFileSync(module, transformSync(readFileSync(new URL('../../src/cli/output.ts', import.meta.url), 'utf8'), { loader: 'ts', format: 'esm' }).code);
    const child = `
      const { FdSink } = await import(${JSON.stringify(pathToFileURL(module).href)});
      const sink = new FdSink(1, () => process.stdout);
      for (let i = 0; i < 2000; i++) { sink.write('line ' + i + ' '.repeat(200) + '\\n'); await new Promise((r) => setTimeout(r, 1)); }
      process.stderr.write('finished');`;
    const result = spawnSync('bash', ['-c', `"${process.execPath}" --input-type=module -e '${child.replace(/'/g, "'\\''")}' | head -c 1 >/dev/null; echo "exit=\${PIPESTATUS[0]}" >&2`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toContain('finished');
    expect(result.stderr).toContain('exit=0');
  });
});

describe('isTerminal', () => {
  it('answers a file or a closed descriptor without loading node:tty', () => {
    const fd = openSync(join(dir, 'f'), 'w');
    expect(isTerminal(fd)).toBe(false);
    closeSync(fd);
    expect(isTerminal(fd)).toBe(false);
  });
});
