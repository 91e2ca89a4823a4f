import type * as Clack from '@clack/prompts';
import { npmNameProblems, suggestNpmName } from '../names.js';
import { Cancelled } from './errors.js';
import { createOptions, projectNameOf, type OptionContext } from './schema.js';

/** Loaded by the first question: a run that asks nothing never loads it. */
let p: typeof Clack;

async function loadClack(): Promise<typeof Clack> {
  p ??= await import('@clack/prompts');
  return p;
}

function answered<T>(value: T): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new Cancelled();
  return value as Exclude<T, symbol>;
}

/** The package name: the directory's last segment, or asked for when that is not a valid npm name. */
async function askProjectName(directory: string, cwd: string): Promise<string> {
  const name = projectNameOf(directory, cwd);
  if (npmNameProblems(name).length === 0) return name;
  p.log.warn(`"${name}" is not a valid npm package name: ${npmNameProblems(name).join('; ')}.`);
  return answered(await p.text({ message: 'Package name', initialValue: suggestNpmName(name), validate: (value) => npmNameProblems(value ?? '')[0] }));
}

/**
 * Asks, in the schema's order, every question that no flag answered, filling `ctx.answers`;
 * returns the package name.
 */
export async function askMissing(ctx: OptionContext): Promise<string> {
  await loadClack();
  p.intro('create-express-session-app');
  let projectName = '';
  for (const option of createOptions) {
    const key = option.key as keyof typeof ctx.answers;
    if (option.ask && ctx.answers[key] === undefined) Object.assign(ctx.answers, { [key]: await option.ask(p, ctx) });
    if (key === 'directory') projectName = await askProjectName(ctx.answers.directory!, ctx.cwd);
  }
  return projectName;
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
