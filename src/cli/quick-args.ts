import type { ParsedCommand, RawOptions } from './options.js';

/**
 * The create command's flags, read by a plain loop. commander (options.ts) stays the one that
 * defines the CLI: it answers help, version, subcommands and every error. This parses only
 * the argv that is plainly valid and hands anything else to commander, so a scaffold never
 * loads commander (40 KB, a third of the startup code) nor node's parseArgs (~0.7 ms), both
 * measured with bench/scaffold.mjs. test/unit/quick-args.test.ts checks that both parsers agree.
 */
const valueFlags: Record<string, keyof RawOptions> = { strategy: 'strategy', store: 'store', lang: 'lang', pm: 'pm', template: 'template' };
const booleanFlags: Record<string, keyof RawOptions> = { ts: 'ts', js: 'js', yes: 'yes', force: 'force', 'dry-run': 'dryRun', json: 'json' };
const negatableFlags = new Set(['install', 'git', 'docker']);
const shortFlags: Record<string, string> = { '-s': 'store', '-y': 'yes' };

const subcommands = new Set(['stores', 'eject']);

/** The parsed create command, or undefined when commander must decide (help, errors, subcommands…). */
export function quickParse(argv: readonly string[]): ParsedCommand | undefined {
  if (subcommands.has(argv[0] ?? '')) return undefined;
  const options: RawOptions = {};
  const set = options as Record<string, string | boolean>;
  let directory: string | undefined;
  // In argv order, so a later flag wins as with commander (`--no-git --git`).
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-' || !arg.startsWith('-')) {
      if (directory !== undefined) return undefined;
      directory = arg;
      continue;
    }
    const long = arg.startsWith('--') ? arg.slice(2) : shortFlags[arg];
    if (!long) return undefined; // `--`, `-h`, `-sredis`, `-ys`…
    const equals = long.indexOf('=');
    const name = equals < 0 ? long : long.slice(0, equals);
    if (Object.hasOwn(valueFlags, name)) {
      const value = equals < 0 ? argv[++i] : long.slice(equals + 1);
      if (value === undefined || (equals < 0 && value.startsWith('-'))) return undefined;
      set[valueFlags[name]!] = value;
      continue;
    }
    if (equals >= 0) return undefined; // `--yes=true`
    if (Object.hasOwn(booleanFlags, name)) set[booleanFlags[name]!] = true;
    else if (negatableFlags.has(name)) set[name] = true;
    else if (name.startsWith('no-') && negatableFlags.has(name.slice(3))) set[name.slice(3)] = false;
    else return undefined;
  }
  return { kind: 'create', options: { ...options, directory } };
}
