import { describe, expect, it } from 'vitest';
import { npmNameProblems, suggestNpmName } from '../../src/names.js';

describe('npm package names', () => {
  it.each(['my-app', 'app2', '@scope/my-app', 'a.b_c-d'])('accepts %s', (name) => {
    expect(npmNameProblems(name)).toEqual([]);
  });

  it.each([
    ['my app', 'space'],
    ['MyApp', 'capital'],
    ['.hidden', 'dot'],
    ['_private', 'underscore'],
    ['node_modules', 'reserved'],
    ['favicon.ico', 'reserved'],
    ['http', 'core module'],
    ['a'.repeat(215), '214'],
    ['', 'empty'],
    ['bad!name', '~\'!()*'],
    ['a/b/c', 'URL-safe'],
  ])('refuses %j, saying why (%s)', (name, reason) => {
    const problems = npmNameProblems(name);
    expect(problems.join(' ')).toContain(reason);
  });

  it.each(['My App', '.Hidden', 'node_modules', 'http', '  spaced out  ', '(weird)!'])('suggests a valid form of %j', (name) => {
    const suggestion = suggestNpmName(name);
    expect(npmNameProblems(suggestion)).toEqual([]);
  });

  it('suggests the obvious fix', () => {
    expect(suggestNpmName('My Cool App')).toBe('my-cool-app');
  });
});
