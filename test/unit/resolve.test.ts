import { describe, expect, it } from 'vitest';
import { missingFlags, nameProblem, projectNameOf, resolveFlags } from '../../src/cli/resolve.js';
import { createOptions } from '../../src/cli/schema.js';
import { parseArgs } from '../../src/cli/options.js';
import { UsageError } from '../../src/cli/errors.js';
import { detectPackageManager } from '../../src/pm.js';

const parse = (...argv: string[]) => parseArgs(argv, 'create-express-session-app', '1.2.3');

describe('argument parsing', async () => {
  it('reads every flag', async () => {
    const parsed = await parse('app', '--store', 'cookie', '--lang', 'js', '--pm', 'pnpm', '--no-install', '--no-git', '--no-docker', '--yes', '--force', '--dry-run', '--json', '--template', 'tpl');
    expect(parsed).toEqual({
      kind: 'create',
      options: {
        directory: 'app',
        store: 'cookie',
        lang: 'js',
        pm: 'pnpm',
        install: false,
        git: false,
        docker: false,
        yes: true,
        force: true,
        dryRun: true,
        json: true,
        template: 'tpl',
      },
    });
  });

  it('leaves unanswered flags undefined so they can be asked', async () => {
    const parsed = await parse('app');
    expect(parsed.kind === 'create' && parsed.options).toEqual({ directory: 'app' });
  });

  it('has short flags -s and -y', async () => {
    const parsed = await parse('-s', 'memory', '-y');
    expect(parsed.kind === 'create' && parsed.options).toMatchObject({ store: 'memory', yes: true });
  });

  it('lists stores, as JSON too', async () => {
    expect(await parse('stores')).toEqual({ kind: 'stores', json: false });
    expect(await parse('stores', '--json')).toEqual({ kind: 'stores', json: true });
  });

  it('answers --help and --version as text', async () => {
    const help = await parse('--help');
    expect(help.kind).toBe('info');
    expect(help.kind === 'info' && help.text).toContain('--store <id>');
    expect(help.kind === 'info' && help.text).toContain('130 cancelled');
    expect(await parse('--version')).toEqual({ kind: 'info', text: '1.2.3\n' });
  });

  it.each([
    [['--bogus'], "unknown option '--bogus'"],
    [['a', 'b'], 'too many arguments'],
    [['--store'], "argument missing"],
  ])('refuses %j as a usage error', async (argv, message) => {
    await expect(parse(...argv)).rejects.toThrow(UsageError);
    await expect(parse(...argv)).rejects.toThrow(message);
  });
});

describe('flag validation', () => {
  it('derives the strategy from the store', () => {
    const { answers, problems } = resolveFlags({ store: 'sqlite' });
    expect(problems).toEqual([]);
    expect(answers.strategy).toBe('database');
  });

  it('picks the strategy default store when only the strategy is given', () => {
    const store = createOptions.find((o) => o.key === 'store')!;
    const storeFor = (strategy: string) =>
      (store.default!({ cwd: '/', detectedPm: 'npm', answers: resolveFlags({ strategy }).answers }) as { id: string }).id;
    expect(storeFor('database')).toBe('sqlite');
    expect(storeFor('cookie')).toBe('cookie');
    expect(storeFor('memory')).toBe('memory');
    expect((store.default!({ cwd: '/', detectedPm: 'npm', answers: {} }) as { id: string }).id, 'neither: the default store').toBe('sqlite');
  });

  it.each([
    [{ store: 'nosuch' }, 'Unknown store "nosuch"'],
    [{ strategy: 'floppy' }, 'Unknown strategy "floppy"'],
    [{ store: 'cookie', strategy: 'database' }, '--store cookie is a cookie store, but --strategy is database'],
    [{ lang: 'go' }, 'Unknown language "go"'],
    [{ ts: true, js: true }, 'Conflicting languages'],
    [{ lang: 'ts', js: true }, 'Conflicting languages'],
    [{ pm: 'pip' }, 'Unknown package manager "pip"'],
    [{ directory: '  ' }, 'The directory is empty'],
  ])('reports %j', (options, message) => {
    const { problems } = resolveFlags(options);
    expect(problems.join('\n')).toContain(message);
  });

  it('reports every problem at once', () => {
    expect(resolveFlags({ store: 'x', lang: 'y', pm: 'z' }).problems).toHaveLength(3);
  });

  it('names each flag missing for a non-interactive run', () => {
    expect(missingFlags(resolveFlags({}).answers)).toEqual([
      'the directory (first argument, e.g. `my-app`)',
      '--store <id> or --strategy <strategy>',
    ]);
    expect(missingFlags(resolveFlags({ directory: 'a', strategy: 'cookie' }).answers)).toEqual([]);
  });

  it('names the project after the directory', () => {
    expect(projectNameOf('apps/my-app/', '/work')).toBe('my-app');
    expect(projectNameOf('.', '/work/cool-app')).toBe('cool-app');
    expect(nameProblem('My App')).toContain('Try "my-app"');
    expect(nameProblem('my-app')).toBeUndefined();
  });
});

describe('package manager detection', () => {
  it.each([
    ['pnpm/9.1.0 npm/? node/v20.20.2 linux x64', 'pnpm'],
    ['yarn/4.0.0 npm/? node/v20', 'yarn'],
    ['bun/1.1.0 npm/? node/v20', 'bun'],
    ['npm/11.0.0 node/v20', 'npm'],
    [undefined, 'npm'],
    ['cnpm/1.0', 'npm'],
  ])('%s → %s', (agent, pm) => {
    expect(detectPackageManager(agent)).toBe(pm);
  });
});
