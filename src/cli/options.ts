import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { createOptions, flagSyntax, meaningOf, type RawOptions } from './schema.js';

export type { RawOptions };

export interface EjectOptions {
  directory: string;
  store?: string;
  force: boolean;
  json: boolean;
}

/** switch, update and check: run inside a generated project (or --cwd). */
export interface LifecycleOptions {
  /** The store to switch to (switch only). */
  store?: string;
  cwd?: string;
  dryRun: boolean;
  json: boolean;
  force: boolean;
}

export type ParsedCommand =
  | { kind: 'create'; options: RawOptions }
  | { kind: 'switch' | 'update' | 'check'; options: LifecycleOptions }
  | { kind: 'stores'; json: boolean }
  | { kind: 'eject'; options: EjectOptions }
  | { kind: 'info'; text: string };

type Commander = typeof import('commander');

function program({ Command }: Commander, name: string, version: string): Command {
  const command = new Command(name)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .allowExcessArguments(false)
    .version(version, '-v, --version')
    .helpOption('-h, --help', 'show this help');
  return command;
}

/** The create command, from the option schema (schema.ts). */
export function createCommand(commander: Commander, name: string, version: string): Command {
  const command = program(commander, name, version)
    .usage(
      '[directory] [options]\n' +
        '       create-express-session-app stores [--json]\n' +
        '       create-express-session-app eject <dir> [--store id] [--force]\n' +
        '       create-express-session-app switch <store> [--cwd dir] [--dry-run] [--force] [--json]\n' +
        '       create-express-session-app update [--cwd dir] [--dry-run] [--force] [--json]\n' +
        '       create-express-session-app check [--cwd dir] [--json]',
    )
    .description('Scaffold an Express 5 app with sessions stored in memory, a cookie, a cache or a database.');
  for (const option of createOptions) {
    if (option.argument) {
      command.argument(option.flags, meaningOf(option));
      continue;
    }
    command.addOption(new commander.Option(flagSyntax(option), meaningOf(option)));
    if (option.negatable) command.addOption(new commander.Option(flagSyntax(option).replace('--', '--no-'), `skip ${option.flags}`));
    for (const shorthand of option.shorthands ?? []) command.addOption(new commander.Option(shorthand.flags, `same as ${option.flags.split(' ')[0]} ${shorthand.value}`));
  }
  return command;
}

const createHelpFooter =
  '\nExit codes: 0 written, 1 a step failed, 2 usage error, 130 cancelled.\n' +
  'Without a terminal (or with CI set) nothing is asked: give the directory and --store or\n' +
  '--strategy, or --yes for the defaults (my-session-app, sqlite, ts, npm, install, git).\n';

function storesCommand(commander: Commander, name: string, version: string): Command {
  return program(commander, `${name} stores`, version)
    .description('List the session stores')
    .option('--json', 'print the catalogue as JSON');
}

function ejectCommand(commander: Commander, name: string, version: string): Command {
  return program(commander, `${name} eject`, version)
    .usage('<dir> [--store id] [--force]')
    .description(
      'Copy the built-in templates into <dir> as a starting point for --template <dir>:\n' +
        'all of them, or only what one store uses (base/, partials/, stores/<id>/).\n' +
        'Keep only the files you change: the others then follow the built-ins on upgrade.',
    )
    .argument('<dir>', 'the folder to copy the templates into')
    .option('-s, --store <id>', 'copy only the templates this store uses')
    .option('--force', 'overwrite files that are already there (others are kept)')
    .option('--json', 'print one JSON object on stdout; human output goes to stderr');
}

const projectHelp = 'Run inside a project this tool generated (it reads the committed .create-express-session-app.json), or pass --cwd.';

/** switch and update: the same three-way merge into the project, with the same options. */
function mergeCommand(sub: 'switch' | 'update') {
  return (commander: Commander, name: string, version: string): Command => {
    const command = program(commander, `${name} ${sub}`, version);
    if (sub === 'switch') {
      command
        .usage('<store> [--cwd dir] [--dry-run] [--force] [--json]')
        .description(`Move the project to another store: files you never touched follow, files you changed are merged, conflicts get git-style markers (exit 1). ${projectHelp}`)
        .argument('<store>', 'the store to move to (see `stores`)');
    } else {
      command
        .usage('[--cwd dir] [--dry-run] [--force] [--json]')
        .description(`Bring the project to this version (${version}), merging your edits as switch does. ${projectHelp}`);
    }
    return command
      .option('--cwd <dir>', 'the project (default: the current folder)')
      .option('--dry-run', 'print the changes as a diff and write nothing')
      .option('--force', 'run even when git shows uncommitted changes')
      .option('--json', 'print one JSON object on stdout; human output goes to stderr');
  };
}

function checkCommand(commander: Commander, name: string, version: string): Command {
  return program(commander, `${name} check`, version)
    .usage('[--cwd dir] [--json]')
    .description(`Exit 1 when the project was made by a version older than this one (${version}), for CI. ${projectHelp}`)
    .option('--cwd <dir>', 'the project (default: the current folder)')
    .option('--json', 'print one JSON object on stdout; human output goes to stderr');
}

const subcommands: Record<string, (commander: Commander, name: string, version: string) => Command> = {
  stores: storesCommand,
  eject: ejectCommand,
  switch: mergeCommand('switch'),
  update: mergeCommand('update'),
  check: checkCommand,
};

/**
 * Parses argv with commander; help and version come back as text to print (exit 0), bad
 * flags as UsageError.
 */
export async function parseArgs(argv: string[], name: string, version: string): Promise<ParsedCommand> {
  const commander = await import('commander');
  const sub = Object.hasOwn(subcommands, argv[0] ?? '') ? argv[0]! : undefined;
  const command = sub ? subcommands[sub]!(commander, name, version) : createCommand(commander, name, version);
  try {
    command.parse(sub ? argv.slice(1) : argv, { from: 'user' });
  } catch (error) {
    if (error instanceof commander.CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') {
        return { kind: 'info', text: command.helpInformation() + (sub ? '' : createHelpFooter) };
      }
      if (error.code === 'commander.version') return { kind: 'info', text: `${version}\n` };
      throw new UsageError([error.message.replace(/^error: /, '')]);
    }
    throw error;
  }
  if (sub === 'stores') return { kind: 'stores', json: Boolean(command.opts().json) };
  if (sub === 'eject') {
    const opts = command.opts<{ store?: string; force?: boolean; json?: boolean }>();
    return { kind: 'eject', options: { directory: command.args[0]!, store: opts.store, force: Boolean(opts.force), json: Boolean(opts.json) } };
  }
  if (sub === 'switch' || sub === 'update' || sub === 'check') {
    const opts = command.opts<{ cwd?: string; dryRun?: boolean; force?: boolean; json?: boolean }>();
    return {
      kind: sub,
      options: { store: command.args[0], cwd: opts.cwd, dryRun: Boolean(opts.dryRun), force: Boolean(opts.force), json: Boolean(opts.json) },
    };
  }
  const options = command.opts<RawOptions>();
  return { kind: 'create', options: { ...options, directory: command.args[0] } };
}
