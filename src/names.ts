import { builtinModules } from 'node:module';

const maxLength = 214;
const reserved = new Set(['node_modules', 'favicon.ico']);

/** The reasons `name` is not a valid npm package name for a new package (npm's rules); empty when valid. */
export function npmNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) return ['the name is empty'];
  if (name.length > maxLength) problems.push(`it is ${name.length} characters long; npm allows ${maxLength} at most`);
  if (name.trim() !== name) problems.push('it starts or ends with a space');
  if (name.startsWith('.')) problems.push('it starts with a dot');
  if (name.startsWith('_')) problems.push('it starts with an underscore');
  if (reserved.has(name.toLowerCase())) problems.push(`"${name}" is a reserved name`);
  if (builtinModules.includes(name)) problems.push(`"${name}" is the name of a Node.js core module`);
  if (name.toLowerCase() !== name) problems.push('it contains capital letters');
  if (/[~'!()*]/.test(name)) problems.push("it contains one of the characters ~'!()*");
  if (/\s/.test(name.trim())) problems.push('it contains a space');
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  const parts = scoped ? [scoped[1]!, scoped[2]!] : [name];
  if (parts.some((part) => encodeURIComponent(part) !== part) && !/\s/.test(name)) {
    problems.push('it contains characters that are not URL-safe');
  }
  return problems;
}

/** A valid name close to `name`, for the error message and the prompt's default. */
export function suggestNpmName(name: string): string {
  const suggestion = name
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/^[._]+/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, maxLength);
  if (!suggestion || reserved.has(suggestion) || builtinModules.includes(suggestion)) {
    return `${suggestion || 'my'}-app`.replace(/^-/, '');
  }
  return suggestion;
}
