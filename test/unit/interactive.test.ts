import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Io } from '../../src/cli/output.js';
import { main } from '../../src/index.js';

/** Every question answered with its initial value, as pressing Enter would; what was asked is kept. */
const asked: string[] = [];
vi.mock('@clack/prompts', () => {
  const answer = (options: { message: string; initialValue?: unknown; defaultValue?: unknown }) => {
    asked.push(options.message);
    return Promise.resolve(options.initialValue ?? options.defaultValue);
  };
  const log = { warn: () => undefined, info: () => undefined, success: () => undefined };
  return { intro: () => undefined, outro: () => undefined, note: () => undefined, log, isCancel: () => false, text: answer, select: answer, confirm: answer };
});

let dir: string;
let out = '';
const io: Io = {
  stdout: { write: (text) => void (out += text), isTerminal: false },
  stderr: { write: (text) => void (out += text), isTerminal: false },
  stdinIsTerminal: () => true,
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesa-interactive-'));
  out = '';
  asked.length = 0;
  vi.spyOn(process, 'cwd').mockReturnValue(dir);
  vi.stubEnv('CI', undefined); // a terminal user's run, also when the suite runs in CI
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('an interactive run (questions answered with their defaults)', () => {
  it('asks what no flag answers, in order, and takes the defaults of what is never asked (--docker)', async () => {
    const code = await main(['--no-install', '--no-git'], { ...io, stdinIsTerminal: () => true });
    expect(code, out).toBe(0);
    expect(asked).toEqual(['Where should the app go?', 'Where should sessions be stored?', 'Which store?', 'Language', 'Package manager']);
    expect(readdirSync(join(dir, 'my-session-app'))).toEqual(expect.arrayContaining(['Dockerfile', 'docker-compose.yml', 'package.json']));
    expect(out).toContain('my-session-app --store sqlite --lang ts --pm npm --no-install --no-git --docker --yes');
  });

  it('asks nothing a flag answered', async () => {
    expect(await main(['app', '--store', 'redis', '--lang', 'js', '--pm', 'pnpm', '--no-install', '--git'], io)).toBe(0);
    expect(asked).toEqual([]);
  });
});
