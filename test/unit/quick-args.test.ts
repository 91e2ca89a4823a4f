import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/options.js';
import { quickParse } from '../../src/cli/quick-args.js';

const commander = async (argv: string[]) => {
  try {
    return await parseArgs(argv, 'create-express-session-app', '1.2.3');
  } catch (error) {
    return { threw: (error as Error).message };
  }
};

/** What a user or a CI script types; the quick parser must answer these without commander. */
const everyday: string[][] = [
  [],
  ['my-app'],
  ['my-app', '--yes'],
  ['my-app', '--yes', '--no-install', '--no-git'],
  ['my-app', '-y', '-s', 'redis'],
  ['--store', 'postgres', 'api'],
  ['--store=mysql', '--lang=js', 'api'],
  ['api', '--strategy', 'cache', '--pm', 'pnpm', '--no-docker', '--force', '--dry-run', '--json'],
  ['api', '--ts'],
  ['api', '--js', '--lang', 'ts'],
  ['api', '--no-git', '--git', '--install', '--no-install'],
  ['api', '--template', './tpl', '--yes'],
  ['api', '--store='],
  ['-'],
  [''],
];

/** Odd or wrong input: the quick parser may hand these to commander, but must never disagree. */
const odd: string[][] = [
  ['--help'],
  ['-h'],
  ['--version'],
  ['-v'],
  ['api', '--bogus'],
  ['a', 'b'],
  ['--store'],
  ['--store', '--yes'],
  ['-sredis'],
  ['-s=redis'],
  ['-ys', 'redis'],
  ['-yy'],
  ['--yes=true'],
  ['--no-yes'],
  ['--', '--yes'],
  ['api', '--', 'b'],
  ['stores'],
  ['stores', '--json'],
  ['eject', 'tpl', '--store', 'redis'],
  ['eject'],
  ['api', '-x'],
  ['api', '--install=false'],
  ['-1'],
  ['--template'],
  ['api', '-s'],
  ['-s', '-y'],
  ['--store', '-'],
  ['--store', '-x', 'api'],
  ['--no-bogus'],
  ['--no-'],
  ['--dry-run=1'],
  ['--no-install=1'],
  ['---store', 'x'],
  ['--STORE', 'redis'],
  ['-', 'api'],
  ['api', '--pm', 'yarn', '--pm=npm'],
];

describe('quick argument parser', () => {
  it.each(everyday)('parses %j itself, as commander does', async (...argv) => {
    const quick = quickParse(argv);
    expect(quick).toBeDefined();
    expect(quick).toEqual(await commander(argv));
  });

  it.each(odd)('hands %j to commander or agrees with it', async (...argv) => {
    const quick = quickParse(argv);
    expect([undefined, await commander(argv)]).toContainEqual(quick);
  });

  it('leaves help, version, subcommands and errors to commander', () => {
    for (const argv of [['--help'], ['-v'], ['stores'], ['eject', 'x'], ['api', '--bogus'], ['a', 'b'], ['--store']]) {
      expect(quickParse(argv), JSON.stringify(argv)).toBeUndefined();
    }
  });
});
