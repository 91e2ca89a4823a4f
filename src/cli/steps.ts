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

/**
 * Runs the commands of one step in `cwd`, in order, stopping at the first that fails. On a
 * terminal the step is one spinner line (clack's), elsewhere two plain lines per command.
 */
export async function runStep(reporter: Reporter, label: string, commands: Command[], cwd: string): Promise<StepResult> {
  const { execa } = await import('execa');
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  let spinner: { start(msg: string): void; stop(msg: string, code?: number): void } | undefined;
  if (reporter.interactiveTerminal && !reporter.json) {
    const { spinner: createSpinner } = await import('@clack/prompts');
    spinner = createSpinner();
    spinner.start(`${label} (${commands.map(commandLine).join(' && ')})`);
  }
  for (const command of commands) {
    if (!spinner) reporter.line(`${label}: ${commandLine(command)}`);
    try {
      await execa(command.command, command.args, { cwd, stdin: 'ignore', all: true });
      if (!spinner) reporter.line(`${label}: done in ${elapsed()}`);
    } catch (error) {
      const failure = error as { code?: string; all?: string; shortMessage?: string };
      const detail =
        failure.code === 'ENOENT'
          ? `${command.command} is not installed or not on PATH.`
          : tail(failure.all) || failure.shortMessage || String(error);
      const message = `${label} failed after ${elapsed()}`;
      if (spinner) spinner.stop(message, 1);
      else reporter.line(message);
      return { ok: false, detail };
    }
  }
  spinner?.stop(`${label}: done in ${elapsed()}`);
  return { ok: true };
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
