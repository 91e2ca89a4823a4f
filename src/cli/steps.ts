import type { Command } from '../plan/plan.js';
import type { Reporter } from './report.js';

export interface StepResult {
  ok: boolean;
  /** Why it failed, in one or a few lines. */
  detail?: string;
}

function commandLine(command: Command): string {
  return [command.command, ...command.args].join(' ');
}

function tail(text: string | undefined, lines = 15): string {
  return (text ?? '').trim().split('\n').slice(-lines).join('\n');
}

/** Runs one command in `cwd`, showing a spinner on a terminal and plain lines elsewhere. */
export async function runStep(reporter: Reporter, label: string, command: Command, cwd: string): Promise<StepResult> {
  const { execa } = await import('execa');
  const started = Date.now();
  let spinner: { start(msg: string): void; stop(msg: string): void; error?(msg: string): void } | undefined;
  if (reporter.interactiveTerminal && !reporter.json) {
    const { spinner: createSpinner } = await import('@clack/prompts');
    spinner = createSpinner();
    spinner.start(`${label} (${commandLine(command)})`);
  } else {
    reporter.line(`${label}: ${commandLine(command)}`);
  }
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  try {
    await execa(command.command, command.args, { cwd, stdin: 'ignore', all: true });
    const done = `${label}: done in ${elapsed()}`;
    if (spinner) spinner.stop(done);
    else reporter.line(done);
    return { ok: true };
  } catch (error) {
    const failure = error as { code?: string; all?: string; shortMessage?: string; isCanceled?: boolean };
    const detail =
      failure.code === 'ENOENT'
        ? `${command.command} is not installed or not on PATH.`
        : tail(failure.all) || failure.shortMessage || String(error);
    const message = `${label} failed after ${elapsed()}`;
    if (spinner) spinner.stop(message);
    else reporter.line(message);
    return { ok: false, detail };
  }
}

/** Output of a quick command, or undefined when it fails. */
export async function probe(command: string, args: string[], cwd: string): Promise<string | undefined> {
  const { execa } = await import('execa');
  try {
    const result = await execa(command, args, { cwd, stdin: 'ignore', reject: true });
    return result.stdout.trim();
  } catch {
    return undefined;
  }
}
