import type { Answers } from '../answers.js';
import { commandsOf, type PackageManager } from '../pm.js';
import type { EnvVar, StoreDescriptor } from '../stores/index.js';
import { nodeEngines, versions, type PackageName } from '../versions.js';

export interface Dependency {
  name: string;
  version: string;
}

export interface DependencySet {
  dependencies: Dependency[];
  devDependencies: Dependency[];
}

const appDependencies: PackageName[] = ['express', 'express-rate-limit', 'http-errors'];
const appDevDependencies: PackageName[] = ['vitest', 'supertest'];
const typeScriptDevDependencies: PackageName[] = ['typescript', 'tsx', '@types/node', '@types/express', '@types/http-errors', '@types/supertest'];

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
    { name: 'LOGIN_RATE_LIMIT', value: '30', example: '30', description: 'Logins one client (IP address) may make per minute' },
    // Cookie stores keep nothing on the server, so there is no store for a flood to fill.
    ...(answers.store.cookie ? [] : [{ name: 'NEW_SESSION_LIMIT', value: '500', example: '500', description: 'New sessions one client may start per idle timeout' }]),
    ...answers.store.env,
  ];
}

/** Dependencies that compile native code when installed (no prebuilt binary in a slim image). */
export const nativeDependencies: PackageName[] = ['better-sqlite3'];

/**
 * How the Dockerfile installs with each package manager (corepack ships with Node 20):
 * `install` all dependencies, `prune` the dev ones after the build, `installProd` without them.
 */
const containerInstall: Record<PackageManager, { setup: string | null; lockfile: string; install: string; build: string; prune: string; installProd: string }> = {
  npm: { setup: null, lockfile: 'package-lock.json', install: 'npm ci', build: 'npm run build', prune: 'npm prune --omit=dev', installProd: 'npm ci --omit=dev' },
  pnpm: {
    setup: 'corepack enable pnpm',
    lockfile: 'pnpm-lock.yaml',
    install: 'pnpm install --frozen-lockfile',
    build: 'pnpm run build',
    prune: 'pnpm prune --prod',
    installProd: 'pnpm install --frozen-lockfile --prod',
  },
  yarn: {
    setup: 'corepack enable yarn',
    lockfile: 'yarn.lock',
    install: 'yarn install --frozen-lockfile',
    build: 'yarn run build',
    prune: 'yarn install --frozen-lockfile --production',
    installProd: 'yarn install --frozen-lockfile --production',
  },
  bun: {
    setup: 'npm install --global bun@1',
    lockfile: 'bun.lock',
    install: 'bun install --frozen-lockfile',
    build: 'bun run build',
    prune: 'rm -rf node_modules && bun install --frozen-lockfile --production',
    installProd: 'bun install --frozen-lockfile --production',
  },
};

/**
 * What the Dockerfile and docker-compose.yml need: how to install, which native modules the
 * build compiles, the store's variables as the app container sees them (the store's compose service
 * by name instead of 127.0.0.1), and the folder a relative `*_PATH` file (SQLite's) lives in,
 * which compose keeps in a named volume.
 */
export function containerOf(store: StoreDescriptor, pm: PackageManager, projectName: string) {
  const service = store.service;
  const local = /\b(?:127\.0\.0\.1|localhost)\b/;
  const folder = /^([\w-]+)\/[^/]+$/; // data/sessions.db
  const env = store.env.flatMap(({ name, value }) => {
    if (service && local.test(value)) return [{ name, value: value.replace(new RegExp(local, 'g'), service.name) }];
    if (!service && name.endsWith('_PATH') && folder.test(value)) return [{ name, value }];
    return [];
  });
  return {
    /** The package name as an image name (`@scope/app` → `scope/app`). */
    image: projectName.replace(/^@/, '').replace(/[^a-z0-9._/-]+/g, '-'),
    ...containerInstall[pm],
    /** The native modules that need a compiler in the build stage, e.g. "better-sqlite3"; empty when none. */
    nativeModules: store.dependencies.filter((name) => nativeDependencies.includes(name)).join(', '),
    env,
    dataDir: service ? null : (env.map(({ value }) => folder.exec(value)?.[1]).find((dir) => dir !== undefined) ?? null),
  };
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
    store: { ...store, service: store.service ?? null, cookie: store.cookie ?? null, needsServer },
    pm: commandsOf(answers.pm),
    /** Write a Dockerfile, .dockerignore and docker-compose.yml (the app, and the store's server if it has one). */
    docker: answers.docker,
    container: containerOf(store, answers.pm, answers.projectName),
    ...dependenciesOf(answers),
    env: envOf(answers).map((v) => (v.name === 'SESSION_SECRET' ? { ...v, value: sessionSecret } : v)),
    sessionSecret,
    nodeEngines,
    generator,
  };
}

export type RenderContext = ReturnType<typeof renderContext>;
