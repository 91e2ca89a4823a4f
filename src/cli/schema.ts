/**
 * The create command's options, each declared once (in the manner of sv's add-on options):
 * its flag, help text (also the README's "meaning" column), default, validation, question,
 * and its form in the re-run command. cli/options.ts builds commander from it, resolve.ts
 * checks flags with it, prompts.ts asks with it, summary.ts writes the re-run command with
 * it, and test/unit/schema.test.ts holds the README's flag table to it.
 */
import { basename, resolve } from 'node:path';
import type * as Clack from '@clack/prompts';
import { defaultDirectory, languages, type Answers, type Language } from '../answers.js';
import { npmNameProblems, suggestNpmName } from '../names.js';
import { packageManagers, type PackageManager } from '../pm.js';
import { Cancelled } from './errors.js';
import { availableStrategies, defaultStoreId, defaultStoreOf, findStore, stores, storesOf, type StoreDescriptor, type Strategy } from '../stores/index.js';

/** The flags as typed; undefined means "not given". */
export interface RawOptions {
  directory?: string;
  strategy?: string;
  store?: string;
  lang?: string;
  ts?: boolean;
  js?: boolean;
  pm?: string;
  install?: boolean;
  git?: boolean;
  docker?: boolean;
  yes?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  template?: string;
}

/** What the flags settle; undefined fields are still open (asked, or defaulted). */
export interface FlagAnswers {
  directory?: string;
  strategy?: Strategy;
  store?: StoreDescriptor;
  lang?: Language;
  pm?: PackageManager;
  install?: boolean;
  git?: boolean;
  docker?: boolean;
  force?: boolean;
  template?: string;
}

/** What a default or a question may look at. */
export interface OptionContext {
  cwd: string;
  /** The package manager that ran us (npm_config_user_agent), else npm. */
  detectedPm: PackageManager;
  /** Settled so far: by flags, then by earlier questions. */
  answers: FlagAnswers;
}

type Prompts = typeof Clack;

export interface CreateOption {
  /** The field of RawOptions / FlagAnswers it fills. */
  key: keyof RawOptions;
  /** commander's syntax; a boolean with `negatable` also gets `--no-<name>`. */
  flags: string;
  negatable?: boolean;
  /** Shorthand flags that set the same answer (`--ts`), as commander booleans. */
  shorthands?: { flags: string; key: keyof RawOptions; value: string }[];
  /** The allowed values, shown in the README's flag column (`--pm <npm|pnpm|…>`). */
  choices?: () => readonly string[];
  /** One text for `--help` and the README's "meaning" column. */
  description: string;
  /** The default in words, for `--help` and the README; none when the option has no default. */
  defaultText?: string;
  /** Not a flag but the positional argument (the directory). */
  argument?: boolean;
  /** Reads the flag into `answers`; returns the problems (each a full sentence). */
  resolve(raw: RawOptions, answers: FlagAnswers): string[];
  /** The answer when nothing settled it (non-interactive runs, --yes). */
  default?(ctx: OptionContext): unknown;
  /** The question for an answer no flag gave; undefined: never asked. */
  ask?(p: Prompts, ctx: OptionContext): Promise<unknown>;
  /** The option's words in "Same project again: npx …". */
  rerun?(answers: Answers): string[];
}

function answered<T>(p: Prompts, value: T | symbol): T {
  if (p.isCancel(value)) throw new Cancelled();
  return value as T;
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

function boolean(key: 'install' | 'git' | 'docker', name: string, description: string, defaultText: string, question?: (ctx: OptionContext) => string): CreateOption {
  return {
    key,
    flags: `--${name}`,
    negatable: true,
    description,
    defaultText,
    resolve: (raw, answers) => {
      answers[key] = raw[key];
      return [];
    },
    default: () => true,
    ask: question ? async (p, ctx) => answered(p, await p.confirm({ message: question(ctx), initialValue: true })) : undefined,
    rerun: (a) => [a[key] ? `--${name}` : `--no-${name}`],
  };
}

function flag(key: 'yes' | 'force' | 'dryRun' | 'json', flags: string, description: string, rerun?: (a: Answers) => string[]): CreateOption {
  return {
    key,
    flags,
    description,
    resolve: () => [],
    rerun,
  };
}

const strategyDefaults = () =>
  availableStrategies()
    .map((s) => `${s} → ${defaultStoreOf(s).id}`)
    .join(', ');

/** In the order of the questions, of `--help`, of the README table and of the re-run command. */
export const createOptions: CreateOption[] = [
  {
    key: 'directory',
    flags: '[directory]',
    argument: true,
    description: 'where to create the app',
    defaultText: defaultDirectory,
    resolve: (raw, answers) => {
      answers.directory = raw.directory;
      return raw.directory !== undefined && raw.directory.trim() === '' ? ['The directory is empty.'] : [];
    },
    default: () => defaultDirectory,
    ask: async (p, ctx) =>
      answered(
        p,
        await p.text({
          message: 'Where should the app go?',
          placeholder: defaultDirectory,
          defaultValue: defaultDirectory,
          validate: (value) => {
            const name = projectNameOf(value || defaultDirectory, ctx.cwd);
            const problems = npmNameProblems(name);
            return problems.length ? `"${name}" can't be an npm name: ${problems[0]}. Try "${suggestNpmName(name)}".` : undefined;
          },
        }),
      ),
    rerun: (a) => [a.directory],
  },
  {
    key: 'strategy',
    flags: '--strategy <strategy>',
    choices: availableStrategies,
    description: `alone, picks that strategy's default store (${strategyDefaults()})`,
    resolve: (raw, answers) => {
      if (raw.strategy === undefined) return [];
      if (oneOf(raw.strategy, availableStrategies())) {
        answers.strategy = raw.strategy;
        return [];
      }
      return [`Unknown strategy "${raw.strategy}". Choose one of: ${availableStrategies().join(', ')}.`];
    },
    ask: async (p) =>
      answered(
        p,
        await p.select({
          message: 'Where should sessions be stored?',
          initialValue: findStore(defaultStoreId)!.strategy,
          options: availableStrategies().map((value) => ({ value, label: value, hint: storesOf(value).map((s) => s.id).join(', ') })),
        }),
      ),
  },
  {
    key: 'store',
    flags: '-s, --store <id>',
    description: 'the store (see the catalogue); implies the strategy; contradicting `--strategy` is a usage error',
    resolve: (raw, answers) => {
      if (raw.store === undefined) return [];
      const store = findStore(raw.store);
      if (!store) return [`Unknown store "${raw.store}". Choose one of: ${stores.map((s) => s.id).join(', ')} (list them with \`stores\`).`];
      if (answers.strategy && store.strategy !== answers.strategy) {
        return [
          `--store ${store.id} is a ${store.strategy} store, but --strategy is ${answers.strategy}. ` +
            `Drop --strategy, or pick a ${answers.strategy} store: ${storesOf(answers.strategy).map((s) => s.id).join(', ')}.`,
        ];
      }
      answers.store = store;
      answers.strategy = store.strategy;
      return [];
    },
    default: (ctx) => (ctx.answers.strategy ? defaultStoreOf(ctx.answers.strategy) : findStore(defaultStoreId)),
    ask: async (p, ctx) => {
      const candidates = storesOf(ctx.answers.strategy!);
      if (candidates.length === 1) return candidates[0];
      return answered(
        p,
        await p.select({
          message: 'Which store?',
          initialValue: defaultStoreOf(ctx.answers.strategy!),
          options: candidates.map((value) => ({ value, label: value.legacy ? `${value.label} (legacy)` : value.label, hint: value.hint })),
        }),
      );
    },
    rerun: (a) => ['--store', a.store.id],
  },
  {
    key: 'lang',
    flags: '--lang <lang>',
    shorthands: [
      { flags: '--ts', key: 'ts', value: 'ts' },
      { flags: '--js', key: 'js', value: 'js' },
    ],
    choices: () => languages,
    description: 'language',
    defaultText: 'ts',
    resolve: (raw, answers) => {
      const given = [raw.lang, raw.ts ? 'ts' : undefined, raw.js ? 'js' : undefined].filter((l) => l !== undefined);
      const problems = given.filter((l) => !oneOf(l, languages)).map((l) => `Unknown language "${l}". Choose ts or js.`);
      const distinct = [...new Set(given)];
      if (distinct.length > 1) problems.push(`Conflicting languages: ${distinct.join(' and ')}. Choose one.`);
      else if (distinct[0] !== undefined && oneOf(distinct[0], languages)) answers.lang = distinct[0];
      return problems;
    },
    default: () => 'ts',
    ask: async (p) =>
      answered(
        p,
        await p.select({
          message: 'Language',
          initialValue: 'ts' as Language,
          options: [
            { value: 'ts' as Language, label: 'TypeScript' },
            { value: 'js' as Language, label: 'JavaScript' },
          ],
        }),
      ),
    rerun: (a) => ['--lang', a.lang],
  },
  {
    key: 'pm',
    flags: '--pm <pm>',
    choices: () => packageManagers,
    description: 'package manager',
    defaultText: 'the one that ran the command, from `npm_config_user_agent`, else npm',
    resolve: (raw, answers) => {
      if (raw.pm === undefined) return [];
      if (oneOf(raw.pm, packageManagers)) {
        answers.pm = raw.pm;
        return [];
      }
      return [`Unknown package manager "${raw.pm}". Choose one of: ${packageManagers.join(', ')}.`];
    },
    default: (ctx) => ctx.detectedPm,
    ask: async (p, ctx) =>
      answered(p, await p.select({ message: 'Package manager', initialValue: ctx.detectedPm, options: packageManagers.map((value) => ({ value, label: value })) })),
    rerun: (a) => ['--pm', a.pm],
  },
  boolean('install', 'install', 'install dependencies', 'on', (ctx) => `Install dependencies with ${ctx.answers.pm}?`),
  boolean(
    'git',
    'git',
    '`git init` and a first commit (skipped inside an existing repository; without a git identity the files are staged but not committed)',
    'on',
    () => 'Initialise a git repository?',
  ),
  boolean('docker', 'docker', "`Dockerfile`, `.dockerignore` and `docker-compose.yml` (the app, plus the store's server where it has one)", 'on'),
  {
    key: 'template',
    flags: '--template <dir>',
    description: 'your template folder, layered over the built-ins per file and per partial (start one with `eject`; see docs/templates.md)',
    resolve: (raw, answers) => {
      answers.template = raw.template;
      return raw.template !== undefined && raw.template.trim() === '' ? ['--template needs a folder.'] : [];
    },
    rerun: (a) => (a.template ? ['--template', a.template] : []),
  },
  {
    ...flag('force', '--force', 'allow a non-empty directory: colliding files are overwritten, others kept', (a) => (a.force ? ['--force'] : [])),
    resolve: (raw, answers) => {
      answers.force = raw.force;
      return [];
    },
    default: () => false,
  },
  flag('yes', '-y, --yes', 'take the default for every question no flag answers', () => ['--yes']),
  flag('dryRun', '--dry-run', 'print the plan (files, dependencies, commands) and write nothing'),
  flag('json', '--json', 'one JSON object on stdout describing the result; human output goes to stderr'),
];

/** Checks every flag; returns all problems at once so the user fixes them in one go. */
export function resolveFlags(raw: RawOptions): { answers: FlagAnswers; problems: string[] } {
  const answers: FlagAnswers = {};
  const problems = createOptions.flatMap((option) => option.resolve(raw, answers));
  return { answers, problems };
}

/** The npm package name for a directory: its last segment (`.` means the current folder's name). */
export function projectNameOf(directory: string, cwd: string): string {
  return basename(resolve(cwd, directory));
}

/** The flag as `--help` and the README show it, its choices spelt out: `--pm <npm|pnpm|yarn|bun>`. */
export function flagSyntax(option: CreateOption): string {
  return option.choices ? option.flags.replace(/<[^>]+>/, `<${option.choices().join('|')}>`) : option.flags;
}

/** The description with the default, as `--help` and the README say it. */
export function meaningOf(option: CreateOption): string {
  return option.defaultText ? `${option.description} (default: ${option.defaultText})` : option.description;
}

/** The README's flag table, row by row, as the schema declares it (and the help options). */
export function readmeFlagRows(): [flag: string, meaning: string][] {
  const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;
  const rows = createOptions
    .filter((o) => !o.argument)
    .map((o): [string, string] => {
      const name = flagSyntax(o);
      const flag = [
        o.negatable ? `${code(name)} / ${code(name.replace('--', '--no-'))}` : code(name),
        ...(o.shorthands ?? []).map((s) => code(s.flags)),
      ].join(', ');
      return [flag, meaningOf(o)];
    });
  return [...rows, [`${code('-h, --help')}, ${code('-v, --version')}`, 'help, version']];
}
