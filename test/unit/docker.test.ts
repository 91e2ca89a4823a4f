import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/answers.js';
import { builtinTemplateTree } from '../../src/builtin-templates.js';
import { createPlan } from '../../src/plan/plan.js';
import { stores } from '../../src/stores/index.js';
import { answers, generator, handlebars, toJavaScript } from './fixtures.js';

const render = (storeId: string, lang: Language, docker = true) =>
  createPlan({
    answers: answers({ store: stores.find((s) => s.id === storeId)!, lang, docker }),
    trees: [builtinTemplateTree(stores.find((s) => s.id === storeId)!)],
    sessionSecret: 's'.repeat(48),
    generator,
    handlebars,
    toJavaScript,
  }).files;

type Yaml = string | Yaml[] | { [key: string]: Yaml };

/** The YAML the compose template writes: block mappings and lists, plain or JSON scalars. */
function parseYaml(text: string): Yaml {
  const lines = text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'))
    .map((line) => ({ indent: line.length - line.trimStart().length, body: line.trim() }));
  let at = 0;
  const scalar = (raw: string): Yaml => (/^["[]/.test(raw) ? (JSON.parse(raw) as Yaml) : raw);
  function block(indent: number): Yaml {
    if (lines[at]!.body.startsWith('- ')) {
      const list: Yaml[] = [];
      while (at < lines.length && lines[at]!.indent === indent && lines[at]!.body.startsWith('- ')) list.push(scalar(lines[at++]!.body.slice(2)));
      return list;
    }
    const map: Record<string, Yaml> = {};
    while (at < lines.length && lines[at]!.indent === indent) {
      const { body } = lines[at++]!;
      const match = /^([\w.-]+):(?: (.*))?$/.exec(body);
      if (!match) throw new Error(`not a mapping entry: ${body}`);
      const [, key, value] = match;
      if (value !== undefined) map[key!] = scalar(value);
      else if (at < lines.length && lines[at]!.indent > indent) map[key!] = block(lines[at]!.indent);
      else map[key!] = '';
    }
    return map;
  }
  const document = block(0);
  if (at !== lines.length) throw new Error(`unexpected indentation at: ${lines[at]!.body}`);
  return document;
}

/** The Dockerfile's stages, each as its lines (continuations joined). */
function stagesOf(dockerfile: string): string[][] {
  const instructions = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const stages: string[][] = [];
  for (const line of instructions) {
    if (line.startsWith('FROM ')) stages.push([]);
    stages.at(-1)!.push(line);
  }
  return stages;
}

const combinations = stores.flatMap((store) => (['ts', 'js'] as const).map((lang) => [store.id, lang] as const));

describe.each(combinations)('the container files of %s/%s', (storeId, lang) => {
  const store = stores.find((s) => s.id === storeId)!;
  const files = render(storeId, lang);
  const text = (path: string) => {
    const content = files.get(path);
    if (content === undefined) throw new Error(`${path} was not rendered`);
    return content.toString();
  };

  it('has a multi-stage Dockerfile: built with every dependency, run with the production ones as node', () => {
    const [build, runtime, ...more] = stagesOf(text('Dockerfile'));
    expect(more).toEqual([]);
    expect(build![0]).toBe('FROM node:20-bookworm-slim AS build');
    expect(runtime![0]).toBe('FROM node:20-bookworm-slim');
    if (lang === 'ts') {
      expect(build).toContain('RUN npm ci');
      expect(build).toContain('RUN npm run build && npm prune --omit=dev');
    } else {
      expect(build).toContain('RUN npm ci --omit=dev');
      expect(build.join('\n')).not.toMatch(/npm run build/);
    }
    const compiler = build!.find((line) => /apt-get install .*python3 make g\+\+/.test(line));
    expect(Boolean(compiler), 'a compiler in the build stage exactly when a dependency is native').toBe(store.dependencies.includes('better-sqlite3'));
    expect(runtime!.join('\n')).not.toMatch(/apt-get|npm (ci|install)/);

    expect(runtime).toContain('ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000');
    expect(runtime).toContain('COPY --from=build /app/node_modules ./node_modules');
    expect(runtime).toContain(lang === 'ts' ? 'COPY --from=build /app/dist ./dist' : 'COPY src ./src');
    expect(runtime).toContain('EXPOSE 3000');
    const user = runtime!.indexOf('USER node');
    expect(user, 'runs as the unprivileged node user').toBeGreaterThan(0);
    expect(runtime!.slice(user).some((line) => /^(RUN|COPY)/.test(line)), 'nothing after USER runs as root').toBe(false);
    const healthcheck = runtime!.find((line) => line.startsWith('HEALTHCHECK '));
    expect(healthcheck).toMatch(/CMD \["node", "-e", ".*fetch\(`http:\/\/127\.0\.0\.1:\$\{process\.env\.PORT\}\/health`\)/);
    expect(runtime!.at(-1)).toBe(lang === 'ts' ? 'CMD ["node", "dist/server.js"]' : 'CMD ["node", "src/server.js"]');
  });

  it('keeps node_modules, build output, secrets and data out of the build context', () => {
    const ignored = text('.dockerignore').split('\n');
    for (const path of ['node_modules', 'dist', '.env', 'data', '.git']) expect(ignored).toContain(path);
  });

  it('has a docker-compose.yml with the app and, where the store has a server, that server', () => {
    const compose = parseYaml(text('docker-compose.yml')) as Record<string, Record<string, Record<string, Yaml>>>;
    const { app, ...others } = compose.services!;
    expect(app).toMatchObject({ build: '.', ports: ['127.0.0.1:3000:3000'] });
    const environment = app!.environment as Record<string, string>;
    expect(environment.SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?.+\}$/);
    expect(environment.TRUST_PROXY).toBe('${TRUST_PROXY:-false}');
    expect(Object.values(environment).join(' '), 'the app reaches the store by its service name').not.toMatch(/127\.0\.0\.1|localhost/);

    const service = store.service;
    if (!service) {
      expect(Object.keys(others)).toEqual([]);
      expect(app!.depends_on).toBeUndefined();
    } else {
      expect(Object.keys(others)).toEqual([service.name]);
      expect(app!.depends_on).toEqual({ [service.name]: { condition: 'service_healthy' } });
      expect(others[service.name]).toMatchObject({ image: service.image, healthcheck: { test: service.healthcheck } });
      const url = store.env.find((v) => v.value.includes(`127.0.0.1:${service.port}`))!;
      expect(environment[url.name]).toBe(url.value.replace('127.0.0.1', service.name));
      if (service.volume) expect(compose.volumes).toEqual({ [service.volume.name]: '' });
    }
    if (storeId === 'sqlite') {
      expect(app!.volumes).toEqual(['app-data:/app/data']);
      expect(compose.volumes).toEqual({ 'app-data': '' });
      expect(text('Dockerfile')).toMatch(/^RUN mkdir data && chown node:node data\nUSER node$/m);
    }
  });

  it('shows in the README the example router the app ships, and how to run it in Docker', () => {
    const readme = text('README.md');
    const router = text(`src/routes/preferences.${lang}`);
    expect(readme).toContain(`\`\`\`${lang}\n${router}\`\`\``);
    const mounts = /`src\/app\.\w+` mounts it under `\/api`:\n\n```\w+\n([^`]+)```/.exec(readme)?.[1];
    for (const line of mounts!.trim().split('\n')) expect(text(`src/app.${lang}`)).toContain(line);
    expect(readme).toContain('docker compose up --build');
    expect(readme).not.toMatch(/store-timeouts|types\.ts|generated by/i);
  });

  it('writes no container files with --no-docker', () => {
    const without = render(storeId, lang, false);
    for (const path of ['Dockerfile', '.dockerignore', 'docker-compose.yml']) expect(without.has(path), path).toBe(false);
    const readme = without.get('README.md')?.toString();
    expect(readme).not.toContain('## Docker');
    expect(readme).not.toMatch(/docker compose up --build|docker build/);
  });
});
