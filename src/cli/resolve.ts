import { basename, resolve } from 'node:path';
import { languages, type Language } from '../answers.js';
import { npmNameProblems, suggestNpmName } from '../names.js';
import { packageManagers, type PackageManager } from '../pm.js';
import { availableStrategies, defaultStoreOf, findStore, stores, storesOf, type StoreDescriptor, type Strategy } from '../stores/index.js';
import type { RawOptions } from './options.js';

/** What the flags settle; undefined fields are still open (asked, or defaulted with --yes). */
export interface FlagAnswers {
  directory?: string;
  strategy?: Strategy;
  store?: StoreDescriptor;
  lang?: Language;
  pm?: PackageManager;
  install?: boolean;
  git?: boolean;
  docker: boolean;
  force: boolean;
  template?: string;
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}

/** Checks every flag; returns all problems at once so the user fixes them in one go. */
export function resolveFlags(options: RawOptions): { answers: FlagAnswers; problems: string[] } {
  const problems: string[] = [];
  const answers: FlagAnswers = {
    directory: options.directory,
    install: options.install,
    git: options.git,
    docker: options.docker ?? true,
    force: options.force ?? false,
    template: options.template,
  };

  if (options.directory !== undefined && options.directory.trim() === '') problems.push('The directory is empty.');

  const strategyIds = availableStrategies();
  if (options.strategy !== undefined) {
    if (oneOf(options.strategy, strategyIds)) answers.strategy = options.strategy;
    else problems.push(`Unknown strategy "${options.strategy}". Choose one of: ${strategyIds.join(', ')}.`);
  }
  if (options.store !== undefined) {
    const store = findStore(options.store);
    if (!store) {
      problems.push(`Unknown store "${options.store}". Choose one of: ${stores.map((s) => s.id).join(', ')} (list them with \`stores\`).`);
    } else if (answers.strategy && store.strategy !== answers.strategy) {
      problems.push(
        `--store ${store.id} is a ${store.strategy} store, but --strategy is ${answers.strategy}. ` +
          `Drop --strategy, or pick a ${answers.strategy} store: ${storesOf(answers.strategy).map((s) => s.id).join(', ')}.`,
      );
    } else {
      answers.store = store;
      answers.strategy = store.strategy;
    }
  }

  const langs = [options.lang, options.ts ? 'ts' : undefined, options.js ? 'js' : undefined].filter((l) => l !== undefined);
  for (const lang of langs) {
    if (!oneOf(lang, languages)) problems.push(`Unknown language "${lang}". Choose ts or js.`);
  }
  if (new Set(langs).size > 1) problems.push(`Conflicting languages: ${[...new Set(langs)].join(' and ')}. Choose one.`);
  else if (langs[0] && oneOf(langs[0], languages)) answers.lang = langs[0];

  if (options.pm !== undefined) {
    if (oneOf(options.pm, packageManagers)) answers.pm = options.pm;
    else problems.push(`Unknown package manager "${options.pm}". Choose one of: ${packageManagers.join(', ')}.`);
  }
  if (options.template !== undefined && options.template.trim() === '') problems.push('--template needs a folder.');
  return { answers, problems };
}

/** Without a terminal and without --yes, these must come from flags. */
export function missingFlags(answers: FlagAnswers): string[] {
  const missing: string[] = [];
  if (answers.directory === undefined) missing.push('the directory (first argument, e.g. `my-app`)');
  if (answers.store === undefined && answers.strategy === undefined) missing.push('--store <id> or --strategy <strategy>');
  return missing;
}

/** The npm package name for a directory: its last segment (`.` means the current folder's name). */
export function projectNameOf(directory: string, cwd: string): string {
  return basename(resolve(cwd, directory));
}

export function nameProblem(name: string): string | undefined {
  const problems = npmNameProblems(name);
  if (problems.length === 0) return undefined;
  return `"${name}" is not a valid npm package name: ${problems.join('; ')}. Try "${suggestNpmName(name)}".`;
}

export function storeFor(answers: Pick<FlagAnswers, 'store' | 'strategy'>): StoreDescriptor | undefined {
  return answers.store ?? (answers.strategy ? defaultStoreOf(answers.strategy) : undefined);
}
