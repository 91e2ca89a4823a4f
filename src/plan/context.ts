import type { Answers } from '../answers.js';
import { commandsOf } from '../pm.js';
import type { EnvVar } from '../stores/index.js';
import { nodeEngines, versions, type PackageName } from '../versions.js';

export interface Dependency {
  name: string;
  version: string;
}

export interface DependencySet {
  dependencies: Dependency[];
  devDependencies: Dependency[];
}

const appDependencies: PackageName[] = ['express', 'express-rate-limit'];
const appDevDependencies: PackageName[] = ['vitest', 'supertest'];
const typeScriptDevDependencies: PackageName[] = ['typescript', 'tsx', '@types/node', '@types/express', '@types/supertest'];

function pinned(names: PackageName[]): Dependency[] {
  return [...new Set(names)].sort().map((name) => ({ name, version: versions[name] }));
}

export function dependenciesOf(answers: Pick<Answers, 'store' | 'lang'>): DependencySet {
  const { store, lang } = answers;
  const dev = [...appDevDependencies];
  if (lang === 'ts') dev.push(...typeScriptDevDependencies, ...store.typeDependencies);
  return { dependencies: pinned([...appDependencies, ...store.dependencies]), devDependencies: pinned(dev) };
}

/** The variables every app reads; the store's own follow. */
export function envOf(answers: Pick<Answers, 'store'>): EnvVar[] {
  return [
    { name: 'NODE_ENV', value: 'development', example: 'development', description: 'development, test or production' },
    { name: 'HOST', value: '127.0.0.1', example: '127.0.0.1', description: 'Interface to listen on (0.0.0.0 in a container)' },
    { name: 'PORT', value: '3000', example: '3000', description: 'Port to listen on' },
    {
      name: 'SESSION_SECRET',
      value: '', // filled with the generated secret by the template
      example: 'replace-with-at-least-32-random-characters',
      description: 'Secrets that sign the session cookie, comma-separated, newest first (at least 32 characters each in production)',
    },
    { name: 'TRUST_PROXY', value: 'false', example: 'false', description: 'Proxies in front of the app: a hop count, true/false, or addresses' },
    { name: 'SESSION_IDLE_TIMEOUT', value: '1800', example: '1800', description: 'Seconds of inactivity before a session expires' },
    { name: 'SESSION_ABSOLUTE_TIMEOUT', value: '86400', example: '86400', description: 'Seconds after login before the user must log in again' },
    ...answers.store.env,
  ];
}

export interface GeneratorInfo {
  name: string;
  version: string;
}

/** The context every template is rendered with (documented in docs/templates.md). */
export function renderContext(answers: Answers, sessionSecret: string, generator: GeneratorInfo) {
  const { store } = answers;
  const needsServer = store.service !== undefined;
  return {
    projectName: answers.projectName,
    lang: answers.lang,
    isTs: answers.lang === 'ts',
    ext: answers.lang,
    strategy: store.strategy,
    store: { ...store, service: store.service ?? null, needsServer },
    pm: commandsOf(answers.pm),
    docker: answers.docker && needsServer,
    ...dependenciesOf(answers),
    env: envOf(answers).map((v) => (v.name === 'SESSION_SECRET' ? { ...v, value: sessionSecret } : v)),
    sessionSecret,
    nodeEngines,
    generator,
  };
}

export type RenderContext = ReturnType<typeof renderContext>;
