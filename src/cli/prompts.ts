import type * as Clack from '@clack/prompts';
import { defaultDirectory, type Language } from '../answers.js';
import { npmNameProblems, suggestNpmName } from '../names.js';
import { packageManagers, type PackageManager } from '../pm.js';
import { availableStrategies, defaultStoreOf, storesOf, type StoreDescriptor, type Strategy } from '../stores/index.js';
import { Cancelled } from './errors.js';
import { projectNameOf, type FlagAnswers } from './resolve.js';

/** Loaded by the first question: a run that asks nothing never loads it. */
let p: typeof Clack;

async function loadClack(): Promise<void> {
  p ??= await import('@clack/prompts');
}

function answered<T>(value: T): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new Cancelled();
  return value as Exclude<T, symbol>;
}

const strategyHints: Record<Strategy, string> = {
  memory: 'in the app process; for development',
  cookie: 'the whole session in the cookie; no server',
  cache: 'a cache server shared by every instance',
  database: 'a database: persistent, queryable',
};

export interface PromptedAnswers {
  directory: string;
  projectName: string;
  store: StoreDescriptor;
  lang: Language;
  pm: PackageManager;
  install: boolean;
  git: boolean;
}

/** Asks, in DESIGN order, every question that no flag answered. */
export async function askMissing(flags: FlagAnswers, cwd: string, detectedPm: PackageManager): Promise<PromptedAnswers> {
  await loadClack();
  p.intro('create-express-session-app');
  const directory =
    flags.directory ??
    answered(
      await p.text({
        message: 'Where should the app go?',
        placeholder: defaultDirectory,
        defaultValue: defaultDirectory,
        validate: (value) => {
          const name = projectNameOf(value || defaultDirectory, cwd);
          const problems = npmNameProblems(name);
          return problems.length ? `"${name}" can't be an npm name: ${problems[0]}. Try "${suggestNpmName(name)}".` : undefined;
        },
      }),
    );

  let projectName = projectNameOf(directory, cwd);
  if (npmNameProblems(projectName).length > 0) {
    p.log.warn(`"${projectName}" is not a valid npm package name: ${npmNameProblems(projectName).join('; ')}.`);
    projectName = answered(
      await p.text({
        message: 'Package name',
        initialValue: suggestNpmName(projectName),
        validate: (value) => npmNameProblems(value ?? '')[0],
      }),
    );
  }

  const strategy: Strategy =
    flags.strategy ??
    answered(
      await p.select({
        message: 'Where should sessions be stored?',
        initialValue: 'database' as Strategy,
        options: availableStrategies().map((value) => ({ value, label: value, hint: strategyHints[value] })),
      }),
    );

  const candidates = storesOf(strategy);
  const store: StoreDescriptor =
    flags.store ??
    (candidates.length === 1
      ? candidates[0]!
      : answered(
          await p.select({
            message: 'Which store?',
            initialValue: defaultStoreOf(strategy),
            options: candidates.map((value) => ({
              value,
              label: value.legacy ? `${value.label} (legacy)` : value.label,
              hint: value.hint,
            })),
          }),
        ));

  const lang: Language =
    flags.lang ??
    answered(
      await p.select({
        message: 'Language',
        initialValue: 'ts' as Language,
        options: [
          { value: 'ts' as Language, label: 'TypeScript' },
          { value: 'js' as Language, label: 'JavaScript' },
        ],
      }),
    );

  const pm: PackageManager =
    flags.pm ??
    answered(
      await p.select({
        message: 'Package manager',
        initialValue: detectedPm,
        options: packageManagers.map((value) => ({ value, label: value })),
      }),
    );

  const install = flags.install ?? answered(await p.confirm({ message: `Install dependencies with ${pm}?`, initialValue: true }));
  const git = flags.git ?? answered(await p.confirm({ message: 'Initialise a git repository?', initialValue: true }));
  return { directory, projectName, store, lang, pm, install, git };
}

export async function confirmOverwrite(directory: string, entries: string[]): Promise<boolean> {
  await loadClack();
  const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', …' : '');
  return answered(
    await p.confirm({
      message: `${directory} is not empty (${shown}). Write into it anyway? Colliding files are overwritten, others kept.`,
      initialValue: false,
    }),
  );
}
