import { Cancelled, exitCodes, UsageError } from './cli/errors.js';
import { parseArgs } from './cli/options.js';
import { processIo, type Io } from './cli/output.js';
import { Reporter } from './cli/report.js';
import { generator } from './generator.js';
import { TemplateError } from './plan/template-error.js';

/** The whole CLI; returns the exit code. Tests pass `io` to capture what it writes. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const json = argv.includes('--json');
  const reporter = new Reporter(json, io);
  try {
    const command = await parseArgs(argv, generator.name, generator.version);
    if (command.kind === 'info') {
      io.stdout.write(command.text);
      return exitCodes.ok;
    }
    if (command.kind === 'stores') {
      const { listStores } = await import('./cli/stores-list.js');
      listStores(new Reporter(command.json, io));
      return exitCodes.ok;
    }
    if (command.kind === 'eject') {
      const { eject } = await import('./cli/eject.js');
      return await eject(command.options, reporter, { cwd: process.cwd() });
    }
    if (command.kind === 'switch' || command.kind === 'update' || command.kind === 'check') {
      const { switchStore, update, check } = await import('./cli/lifecycle.js');
      const run = { switch: switchStore, update, check }[command.kind];
      return await run(command.options, reporter, { cwd: process.cwd() });
    }
    const { create } = await import('./cli/create.js');
    return await create(command.options, reporter, {
      cwd: process.cwd(),
      env: process.env,
      stdinIsTerminal: io.stdinIsTerminal,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      reporter.error(error.message);
      reporter.error('Run with --help for usage. Nothing was written.');
      reporter.result({ ok: false, exitCode: exitCodes.usage, errors: error.problems });
      return exitCodes.usage;
    }
    if (error instanceof TemplateError) {
      reporter.error(`Template error: ${error.message}`);
      reporter.error('Nothing was written.');
      reporter.result({ ok: false, exitCode: exitCodes.usage, errors: [error.message] });
      return exitCodes.usage;
    }
    if (error instanceof Cancelled) {
      reporter.error(error.message);
      reporter.result({ ok: false, exitCode: exitCodes.cancelled, errors: [error.message] });
      return exitCodes.cancelled;
    }
    reporter.error(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    reporter.result({ ok: false, exitCode: exitCodes.runtime, errors: [String(error)] });
    return exitCodes.runtime;
  }
}
