import { parseArgs as parseWithNode } from 'node:util';
import type { ParsedCommand, RawOptions } from './options.js';

/**
 * The create command's flags for node's own parser. commander (options.ts) stays the one that
 * defines the CLI: it answers help, version, subcommands and every error. This parses only
 * the argv that is plainly valid, so a scaffold never loads commander (40 KB, a third of the
 * startup code measured with bench/scaffold.mjs). test/unit/quick-args.test.ts checks that
 * both parsers agree.
 */
const valueFlags = { strategy: 'strategy', store: 'store', lang: 'lang', pm: 'pm', template: 'template' } as const;
const booleanFlags = { ts: 'ts', js: 'js', yes: 'yes', force: 'force', 'dry-run': 'dryRun', json: 'json' } as const;
const negatableFlags = { install: 'install', git: 'git', docker: 'docker' } as const;

type Spec = NonNullable<Parameters<typeof parseWithNode>[0]>['options'];

const spec: Spec = {
  ...Object.fromEntries(Object.keys(valueFlags).map((name) => [name, { type: 'string' as const }])),
  ...Object.fromEntries(Object.keys(booleanFlags).map((name) => [name, { type: 'boolean' as const }])),
  ...Object.fromEntries(
    Object.keys(negatableFlags).flatMap((name) => [
      [name, { type: 'boolean' as const }],
      [`no-${name}`, { type: 'boolean' as const }],
    ]),
  ),
};
spec.store!.short = 's';
spec.yes!.short = 'y';

const subcommands = new Set(['stores', 'eject']);

/** The parsed create command, or undefined when commander must decide (help, errors, subcommands…). */
export function quickParse(argv: readonly string[]): ParsedCommand | undefined {
  if (subcommands.has(argv[0] ?? '') || argv.includes('--')) return undefined;
  // A short flag glued to its value or to another flag (`-sredis`, `-ys`) is left to commander.
  if (argv.some((arg) => /^-[^-]./.test(arg))) return undefined;
  let parsed: ReturnType<typeof parseWithNode>;
  try {
    parsed = parseWithNode({ args: [...argv], options: spec, strict: true, allowPositionals: true, tokens: true });
  } catch {
    return undefined;
  }
  if (parsed.positionals.length > 1) return undefined;

  const options: RawOptions = {};
  const set = options as Record<string, string | boolean>;
  // In argv order, so a later flag wins as with commander (`--no-git --git`).
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    const name = token.name;
    if (Object.hasOwn(valueFlags, name)) set[valueFlags[name as keyof typeof valueFlags]] = token.value!;
    else if (Object.hasOwn(booleanFlags, name)) set[booleanFlags[name as keyof typeof booleanFlags]] = true;
    else if (Object.hasOwn(negatableFlags, name)) set[name] = true;
    else set[name.slice('no-'.length)] = false;
  }
  return { kind: 'create', options: { ...options, directory: parsed.positionals[0] } };
}
