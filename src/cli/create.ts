import { randomBytes } from 'node:crypto';
import { accessSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Answers } from '../answers.js';
import { generator } from '../generator.js';
import { createPlan, type Plan } from '../plan/plan.js';
import { loadHandlebars } from '../plan/render.js';
import { commandsOf, detectPackageManager } from '../pm.js';
import { makeRecord, recordFile, recordText } from '../record.js';
import { stampWarning } from '../stamp.js';
import { builtinTemplateTree } from '../builtin-templates.js';
import { loadTemplateTree, TemplateFolderError } from '../template-loader.js';
import { inspectTarget, UnsafePath, writeFiles, WriteCancelled, type WriterFs } from '../writer.js';
import { Cancelled, exitCodes, UsageError } from './errors.js';
import { whileInterruptible, type Interrupt } from './interrupt.js';
import type { RawOptions } from './schema.js';
import type { Reporter } from './report.js';
import { missingFlags, nameProblem } from './resolve.js';
import { createOptions, projectNameOf, resolveFlags, type FlagAnswers, type OptionContext } from './schema.js';
import { probe, runStep } from './steps.js';
import { nextSteps, planSummary, rerunCommand } from './summary.js';

/** node's fs for the writer (named imports: see template-loader.ts). */
const fs: WriterFs = { accessSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync };

/** clack, when the rest of an interactive run stays inside its frame. */
type Frame = typeof import('@clack/prompts') | undefined;

export interface CreateEnv {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Asked only when a run could prompt (not with --yes or CI). */
  stdinIsTerminal(): boolean | Promise<boolean>;
}

/** Each option's default for an answer still open, in the schema's order (the store's follows the strategy). */
function applyDefaults(ctx: OptionContext): void {
  for (const option of createOptions) {
    const key = option.key as keyof FlagAnswers;
    if (option.default && ctx.answers[key] === undefined) Object.assign(ctx.answers, { [key]: option.default(ctx) });
  }
}

/** The answers: from flags, then questions (interactive) or defaults (not), in the schema's order. */
async function collectAnswers(options: RawOptions, ctx: CreateEnv, interactive: boolean): Promise<Answers> {
  const { answers: flags, problems } = resolveFlags(options);
  if (problems.length) throw new UsageError(problems);
  const optionContext: OptionContext = { cwd: ctx.cwd, detectedPm: detectPackageManager(ctx.env.npm_config_user_agent), answers: flags };

  let projectName: string;
  if (interactive) {
    const { askMissing } = await import('./prompts.js');
    projectName = await askMissing(optionContext);
  } else {
    const missing = options.yes ? [] : missingFlags(flags);
    if (missing.length) {
      throw new UsageError([
        `Not running in a terminal${ctx.env.CI ? ' (CI is set)' : ''}, so nothing can be asked. Missing:`,
        ...missing.map((m) => `  - ${m}`),
        'Pass them as flags, or --yes to take the defaults.',
      ]);
    }
    applyDefaults(optionContext);
    projectName = projectNameOf(flags.directory!, ctx.cwd);
    const problem = nameProblem(projectName);
    if (problem) throw new UsageError([problem]);
  }
  // What neither a flag nor a question settled (--docker is never asked).
  applyDefaults(optionContext);
  const { directory, store, lang, pm, install, git, docker, force, template } = flags;
  return { directory: directory!, projectName, store: store!, lang: lang!, pm: pm!, install: install!, git: git!, docker: docker!, force: force ?? false, template };
}

/** The built-in tree, then the user's `--template` folder (a usage error when it can't be read). */
function templateTrees(answers: Answers, cwd: string, reporter: Reporter) {
  const trees = [builtinTemplateTree(answers.store)];
  if (answers.template) {
    const dir = resolve(cwd, answers.template);
    const label = answers.template.replace(/[\\/]+$/, '');
    let tree;
    try {
      tree = loadTemplateTree(dir, answers.store, label);
    } catch (error) {
      if (error instanceof TemplateFolderError) throw new UsageError([`--template ${error.message}`]);
      throw error;
    }
    const warning = stampWarning(dir, label, generator.version);
    if (warning) reporter.warning(warning);
    if (tree.size === 0) {
      reporter.warning(`${label} holds no base/, libraries/${answers.store.sessionLibrary}/, partials/ or stores/${answers.store.id}/ files: only the built-in templates are used.`);
    }
    trees.push(tree);
  }
  return trees;
}

/**
 * Answers → files and commands, in memory; warnings (a file of the user's left unused) go to
 * stderr. `switch` and `update` render with the project's own secret.
 */
export async function planProject(answers: Answers, cwd: string, reporter: Reporter, sessionSecret = randomBytes(36).toString('base64url')): Promise<Plan> {
  const trees = templateTrees(answers, cwd, reporter);
  const plan = createPlan({
    answers,
    trees,
    handlebars: await loadHandlebars(trees),
    // sucrase is loaded only for a JavaScript project: the TypeScript path does without it.
    toJavaScript: answers.lang === 'js' ? (await import('../plan/to-javascript.js')).toJavaScript : undefined,
    sessionSecret,
    generator,
  });
  for (const warning of plan.warnings) reporter.warning(warning);
  return plan;
}

async function checkTarget(answers: Answers, target: string, interactive: boolean): Promise<void> {
  const state = inspectTarget(fs, target);
  switch (state.kind) {
    case 'not-a-directory':
      throw new UsageError([`${answers.directory} exists and is a file, not a folder. Choose another directory.`]);
    case 'unwritable':
      throw new UsageError([`Cannot create ${answers.directory}: ${state.path} ${state.reason}.`]);
    case 'non-empty': {
      if (answers.force) return;
      if (interactive) {
        const { confirmOverwrite } = await import('./prompts.js');
        if (await confirmOverwrite(answers.directory, state.entries)) return;
        throw new Cancelled('Cancelled: the directory is not empty and nothing was written.');
      }
      throw new UsageError([
        `${answers.directory} is not empty (${state.entries.slice(0, 5).join(', ')}${state.entries.length > 5 ? ', …' : ''}).`,
        'Choose an empty or new directory, or pass --force to write into it (colliding files are overwritten, others kept).',
      ]);
    }
    default:
  }
}

function printDryRun(reporter: Reporter, plan: Plan, target: string): void {
  const summary = planSummary(plan);
  reporter.line(reporter.style('bold', `Dry run: nothing written. Would create ${target}:`));
  for (const file of summary.files) reporter.line(`  ${file.path} ${reporter.style('dim', `(${file.bytes} B)`)}`);
  reporter.line(reporter.style('bold', 'Dependencies:'));
  for (const d of plan.dependencies) reporter.line(`  ${d.name}@${d.version}`);
  for (const d of plan.devDependencies) reporter.line(`  ${d.name}@${d.version} ${reporter.style('dim', '(dev)')}`);
  reporter.line(reporter.style('bold', 'Commands:'));
  for (const command of summary.commands) reporter.line(`  ${command}`);
  if (summary.commands.length === 0) reporter.line('  (none)');
}

/** Writes every file or none; false when writing failed (reported). */
async function writeProject(reporter: Reporter, frame: Frame, plan: Plan, target: string, abort: Interrupt): Promise<boolean> {
  try {
    await writeFiles(fs, target, plan.files, abort);
  } catch (error) {
    if (error instanceof WriteCancelled) throw new Cancelled(error.message);
    if (error instanceof UnsafePath) throw new UsageError([`${error.message}.`]);
    reporter.error(`Could not write the project: ${(error as Error).message}. Nothing was left behind.`);
    reporter.result({ ok: false, exitCode: exitCodes.runtime, error: (error as Error).message });
    return false;
  }
  const { projectName, store, lang } = plan.answers;
  const created = `Created ${projectName} in ${target} (${plan.files.size} files, store: ${store.id}, ${lang}).`;
  if (frame) frame.log.success(created);
  else reporter.line(`${reporter.style('green', '✔')} ${created}`);
  return true;
}

/** `true` when installed, `false` when not asked to, 'failed' (reported) when the install failed. */
async function installDependencies(reporter: Reporter, plan: Plan, target: string, abort: Interrupt): Promise<boolean | 'failed'> {
  if (!plan.install) return false;
  const { directory } = plan.answers;
  const retry = `cd ${directory} && ${commandsOf(plan.answers.pm).install}`;
  const result = await runStep(reporter, 'Installing dependencies', [plan.install], target);
  if (abort.aborted) throw new Cancelled(`Cancelled during install. The project is kept in ${target}; finish with: ${retry}`);
  if (result.ok) return true;
  reporter.error(`Installing dependencies failed. The project is kept in ${target}.`);
  if (result.detail) reporter.error(result.detail);
  reporter.error(`Retry with: ${retry}`);
  reporter.result({ ok: false, exitCode: exitCodes.runtime, ...planSummary(plan), failedStep: 'install', retry });
  return 'failed';
}

/** Next steps: in clack's frame (a note, then the outro) after an interactive run, else plain lines. */
function printNextSteps(reporter: Reporter, frame: Frame, steps: string[], answers: Answers): void {
  if (frame) {
    frame.note(steps.join('\n'), 'Next steps');
    frame.outro(`Same project again: ${rerunCommand(answers)}`);
    return;
  }
  reporter.line();
  reporter.line(reporter.style('bold', 'Next steps:'));
  for (const step of steps) reporter.line(`  ${step}`);
  reporter.line();
  reporter.line(reporter.style('dim', `Same project again: ${rerunCommand(answers)}`));
}

/** Runs git unless the project already sits inside a repository; commits only with an identity. */
async function initGit(reporter: Reporter, plan: Plan, target: string): Promise<{ ok: boolean; note?: string }> {
  if (!plan.git) return { ok: true };
  if ((await probe('git', ['--version'], target)) === undefined) return { ok: true, note: 'git is not installed: skipped git init.' };
  if ((await probe('git', ['rev-parse', '--is-inside-work-tree'], target)) === 'true') {
    return { ok: true, note: 'Inside an existing git repository: skipped git init.' };
  }
  const hasIdentity = (await probe('git', ['config', 'user.email'], target)) && (await probe('git', ['config', 'user.name'], target));
  const commands = hasIdentity ? plan.git : plan.git.slice(0, 2);
  const result = await runStep(reporter, 'git', commands, target);
  if (!result.ok) return { ok: false, note: result.detail };
  return { ok: true, note: hasIdentity ? undefined : 'No git identity is configured: files are staged; make the first commit yourself.' };
}

export async function create(options: RawOptions, reporter: Reporter, ctx: CreateEnv): Promise<number> {
  const interactive = !options.yes && !ctx.env.CI && (await ctx.stdinIsTerminal());
  const answers = await collectAnswers(options, ctx, interactive);
  const target = resolve(ctx.cwd, answers.directory);
  await checkTarget(answers, target, interactive);

  const plan = await planProject(answers, ctx.cwd, reporter);
  plan.files.set(recordFile, recordText(makeRecord(answers, generator, ctx.cwd, target)));

  if (options.dryRun) {
    printDryRun(reporter, plan, target);
    reporter.result({ ok: true, dryRun: true, ...planSummary(plan) });
    return exitCodes.ok;
  }

  // After the questions, the rest of an interactive run stays inside clack's frame, to its outro.
  const frame = interactive && reporter.interactiveTerminal && !reporter.json ? await import('@clack/prompts') : undefined;
  return whileInterruptible(async (abort) => {
    if (!(await writeProject(reporter, frame, plan, target, abort))) return exitCodes.runtime;

    const installed = await installDependencies(reporter, plan, target, abort);
    if (installed === 'failed') return exitCodes.runtime;

    const git = await initGit(reporter, plan, target);
    if (git.note && git.ok) {
      if (frame) frame.log.info(git.note);
      else reporter.line(git.note);
    }
    if (!git.ok) {
      reporter.error(`git failed: ${git.note}. The project is kept in ${target}.`);
      reporter.result({ ok: false, exitCode: exitCodes.runtime, ...planSummary(plan), failedStep: 'git' });
      return exitCodes.runtime;
    }

    const steps = nextSteps(answers, installed, plan.files.has('docker-compose.yml'));
    printNextSteps(reporter, frame, steps, answers);
    reporter.result({ ok: true, target, installed, nextSteps: steps, ...planSummary(plan) });
    return exitCodes.ok;
  });
}
