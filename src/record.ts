import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { languages, type Answers, type Language } from './answers.js';
import { packageManagers, type PackageManager } from './pm.js';
import { compareVersions, stampFile } from './stamp.js';
import { findStore, stores } from './stores/index.js';

/**
 * What made a generated project, committed with it: `switch`, `update` and `check` read it to
 * render the project again. The same file name as eject's stamp (a template folder's "what made
 * this"); a project's record is the one with `answers`. Never a secret: the session secret stays
 * in .env.
 */
export const recordFile = stampFile;

/** The answers that change what is rendered (install, git and force do not). */
export interface RecordedAnswers {
  /** The npm name it was rendered with (the directory's name at the time). */
  name: string;
  store: string;
  lang: Language;
  pm: PackageManager;
  docker: boolean;
  /** The --template folder, relative to the project, POSIX separators. */
  template?: string;
}

export interface ProjectRecord {
  generator: string;
  version: string;
  answers: RecordedAnswers;
}

/** The record of a project about to be written in `target` (the template path made relative to it). */
export function makeRecord(answers: Answers, generator: { name: string; version: string }, cwd: string, target: string): ProjectRecord {
  const template = answers.template === undefined ? undefined : relative(target, resolve(cwd, answers.template)).split(sep).join('/') || '.';
  return {
    generator: generator.name,
    version: generator.version,
    answers: { name: answers.projectName, store: answers.store.id, lang: answers.lang, pm: answers.pm, docker: answers.docker, ...(template ? { template } : {}) },
  };
}

export function recordText(record: ProjectRecord): string {
  const about = `Written by ${record.generator}; its switch, update and check commands read it. Commit it; it holds no secret.`;
  return `${JSON.stringify({ $comment: about, ...record }, null, 2)}\n`;
}

/** The answers a record stands for, ready for createPlan; `store` overrides the recorded one (switch). */
export function answersOf(record: ProjectRecord, projectDir: string, store = record.answers.store): Answers {
  const { name, lang, pm, docker, template } = record.answers;
  return {
    directory: '.',
    projectName: name,
    store: findStore(store)!,
    lang,
    pm,
    docker,
    install: false,
    git: false,
    force: false,
    template: template === undefined ? undefined : isAbsolute(template) ? template : join(projectDir, template),
  };
}

/** A project that can't be switched or updated as it is: exit 2, nothing written. */
export class RecordError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'RecordError';
  }
}

const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): value is T => typeof value === 'string' && (allowed as readonly string[]).includes(value);

/** Reads and checks the record of the project in `dir`; `running` is this generator's version. */
export function readRecord(dir: string, running: string, fs: Pick<typeof import('node:fs'), 'readFileSync'> = { readFileSync }): ProjectRecord {
  let text: string;
  try {
    text = fs.readFileSync(join(dir, recordFile), 'utf8') as string;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new RecordError([
        `${dir} is not a project made by create-express-session-app (no ${recordFile}).`,
        'Run this inside a generated project, or point --cwd at one. Projects made before the record existed cannot be switched or updated.',
      ]);
    }
    throw new RecordError([`${recordFile} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`]);
  }
  let parsed: Partial<ProjectRecord>;
  try {
    parsed = JSON.parse(text) as Partial<ProjectRecord>;
  } catch (error) {
    throw new RecordError([`${recordFile} is not valid JSON (${(error as Error).message}). Restore it from git.`]);
  }
  const answers = parsed.answers as Partial<RecordedAnswers> | undefined;
  if (!answers || typeof answers !== 'object') {
    throw new RecordError([`${recordFile} holds no answers: it is a template folder's stamp (from eject), not a project's record.`]);
  }
  const problems: string[] = [];
  if (typeof parsed.version !== 'string' || !/^\d+\.\d+\.\d+/.test(parsed.version)) problems.push('"version" is not a version');
  if (typeof answers.name !== 'string' || answers.name === '') problems.push('"answers.name" is missing');
  if (typeof answers.store !== 'string' || !findStore(answers.store)) problems.push(`"answers.store" is not one of ${stores.map((s) => s.id).join(', ')}`);
  if (!oneOf(answers.lang, languages)) problems.push('"answers.lang" is not ts or js');
  if (!oneOf(answers.pm, packageManagers)) problems.push(`"answers.pm" is not one of ${packageManagers.join(', ')}`);
  if (typeof answers.docker !== 'boolean') problems.push('"answers.docker" is not true or false');
  if (answers.template !== undefined && typeof answers.template !== 'string') problems.push('"answers.template" is not a path');
  if (problems.length) throw new RecordError([`${recordFile} is not a valid record: ${problems.join('; ')}. Restore it from git.`]);
  if (compareVersions(parsed.version!, running) === 1) {
    throw new RecordError([
      `This project was made with version ${parsed.version}, newer than this ${running}.`,
      `Run the newer version: npx ${parsed.generator ?? 'create-express-session-app'}@${parsed.version} …`,
    ]);
  }
  return { generator: parsed.generator ?? 'create-express-session-app', version: parsed.version!, answers: answers as RecordedAnswers };
}
