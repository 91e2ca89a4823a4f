import type { Answers } from '../answers.js';
import { commandsOf } from '../pm.js';
import type { Plan } from '../plan/plan.js';
import { generator } from '../generator.js';
import { createOptions } from './schema.js';

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One command that makes the same project again without asking anything: each option's re-run form. */
export function rerunCommand(answers: Answers): string {
  const args = createOptions.flatMap((option) => option.rerun?.(answers) ?? []);
  return `${commandsOf(answers.pm).exec} ${generator.name}@${generator.version} ${args.map(quote).join(' ')}`;
}

export function nextSteps(answers: Answers, installed: boolean, hasCompose: boolean): string[] {
  const pm = commandsOf(answers.pm);
  const steps: string[] = [];
  if (answers.directory !== '.') steps.push(`cd ${quote(answers.directory)}`);
  if (!installed) steps.push(pm.install);
  if (hasCompose && answers.store.service) steps.push(`docker compose up -d ${answers.store.service.name}   # start the session store`);
  steps.push(`${pm.run} dev`, `${pm.run} test`);
  return steps;
}

export function planSummary(plan: Plan) {
  const { answers } = plan;
  return {
    directory: answers.directory,
    projectName: answers.projectName,
    store: answers.store.id,
    strategy: answers.store.strategy,
    lang: answers.lang,
    pm: answers.pm,
    files: [...plan.files].map(([path, content]) => ({ path, bytes: Buffer.byteLength(content) })),
    dependencies: Object.fromEntries(plan.dependencies.map((d) => [d.name, d.version])),
    devDependencies: Object.fromEntries(plan.devDependencies.map((d) => [d.name, d.version])),
    commands: [plan.install, ...(plan.git ?? [])].filter((c) => c !== null).map((c) => [c.command, ...c.args].join(' ')),
    rerun: rerunCommand(answers),
  };
}
