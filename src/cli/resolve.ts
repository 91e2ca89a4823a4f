import { npmNameProblems, suggestNpmName } from '../names.js';
import type { FlagAnswers } from './schema.js';

export { projectNameOf, resolveFlags, type FlagAnswers } from './schema.js';

/** Without a terminal and without --yes, these must come from flags. */
export function missingFlags(answers: FlagAnswers): string[] {
  const missing: string[] = [];
  if (answers.directory === undefined) missing.push('the directory (first argument, e.g. `my-app`)');
  if (answers.store === undefined && answers.strategy === undefined) missing.push('--store <id> or --strategy <strategy>');
  return missing;
}

export function nameProblem(name: string): string | undefined {
  const problems = npmNameProblems(name);
  if (problems.length === 0) return undefined;
  return `"${name}" is not a valid npm package name: ${problems.join('; ')}. Try "${suggestNpmName(name)}".`;
}
