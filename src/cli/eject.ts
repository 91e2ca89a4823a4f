import * as fs from 'node:fs';
import { join, resolve } from 'node:path';
import { generator } from '../generator.js';
import { makeStamp, stampFile } from '../stamp.js';
import { findStore, stores } from '../stores/index.js';
import { builtinTemplatesDir, loadTemplateFiles, templateParts } from '../template-loader.js';
import { inspectTarget, UnsafePath, writeFiles, WriteCancelled, type WriterFs } from '../writer.js';
import { Cancelled, exitCodes, UsageError } from './errors.js';
import type { EjectOptions } from './options.js';
import type { Reporter } from './report.js';

/** The files `eject` writes: the built-in templates (all, or one store's) and the stamp. */
export function ejectFiles(storeId: string | undefined, version = generator.version, now = new Date()): Map<string, string | Buffer> {
  const tree = loadTemplateFiles(builtinTemplatesDir, templateParts(storeId ? findStore(storeId) : undefined), 'templates');
  const files = new Map<string, string | Buffer>([...tree].map(([path, source]) => [path, source.content]));
  files.set(stampFile, `${JSON.stringify(makeStamp({ ...generator, version }, storeId ?? null, now), null, 2)}\n`);
  return files;
}

/** Paths of `files` that already exist under `target` (files or anything else in the way). */
export function collisions(fsp: Pick<WriterFs, 'lstatSync'>, target: string, files: Iterable<string>): string[] {
  const found: string[] = [];
  for (const path of files) {
    try {
      fsp.lstatSync(join(target, ...path.split('/')));
      found.push(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') found.push(path); // a file sits where a folder of ours goes
      else if (code !== 'ENOENT') throw error;
    }
  }
  return found;
}

function listed(paths: string[], max = 10): string[] {
  return [...paths.slice(0, max).map((p) => `  - ${p}`), ...(paths.length > max ? [`  … and ${paths.length - max} more`] : [])];
}

/** `eject <dir> [--store id] [--force]`: copies the built-in templates out for customising. */
export async function eject(options: EjectOptions, reporter: Reporter, ctx: { cwd: string }): Promise<number> {
  if (options.store !== undefined && !findStore(options.store)) {
    throw new UsageError([`Unknown store "${options.store}". Choose one of: ${stores.map((s) => s.id).join(', ')}.`]);
  }
  const target = resolve(ctx.cwd, options.directory);
  const state = inspectTarget(fs, target);
  if (state.kind === 'not-a-directory') throw new UsageError([`${options.directory} exists and is a file, not a folder.`]);
  if (state.kind === 'unwritable') throw new UsageError([`Cannot write to ${options.directory}: ${state.path} ${state.reason}.`]);

  const files = ejectFiles(options.store);
  const colliding = collisions(fs, target, files.keys());
  if (colliding.length && !options.force) {
    throw new UsageError([
      `${options.directory} already has ${colliding.length} of the files eject would write:`,
      ...listed(colliding),
      'Choose another folder, or pass --force to overwrite them (other files are kept).',
    ]);
  }

  try {
    await writeFiles(fs, target, files);
  } catch (error) {
    if (error instanceof WriteCancelled) throw new Cancelled(error.message);
    if (error instanceof UnsafePath) throw new UsageError([`${error.message}.`]);
    reporter.error(`Could not write the templates: ${(error as Error).message}. Nothing was left behind.`);
    reporter.result({ ok: false, exitCode: exitCodes.runtime, error: (error as Error).message });
    return exitCodes.runtime;
  }

  const what = options.store ? `the templates store ${options.store} uses` : 'every built-in template';
  reporter.line(`${reporter.style('green', '✔')} Copied ${what} (${files.size - 1} files, version ${generator.version}) into ${target}.`);
  if (colliding.length) reporter.line(`Overwrote ${colliding.length} existing file(s) (--force).`);
  reporter.line('Edit what you need and delete the files you do not change: those then follow the built-ins when you upgrade.');
  reporter.line(`Use it with: ${generator.name} my-app${options.store ? ` --store ${options.store}` : ''} --template ${options.directory}`);
  reporter.line(reporter.style('dim', `${stampFile} records the version this copy came from; a later version warns when it differs.`));
  reporter.result({
    ok: true,
    target,
    version: generator.version,
    store: options.store ?? null,
    files: [...files.keys()],
    overwritten: colliding,
  });
  return exitCodes.ok;
}
