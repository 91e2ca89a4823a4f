import { describe, expect, it } from 'vitest';
import { builtinTemplateTree } from '../../src/builtin-templates.js';
import { createPlan } from '../../src/plan/plan.js';
import { serverStores, stores } from '../../src/stores/index.js';
import { answers, generator, handlebars, toJavaScript } from './fixtures.js';

const render = (storeId: string, lang: 'ts' | 'js' = 'ts') =>
  createPlan({
    answers: answers({ store: stores.find((s) => s.id === storeId)!, lang }),
    trees: [builtinTemplateTree(stores.find((s) => s.id === storeId)!)],
    sessionSecret: 's'.repeat(48),
    generator,
    handlebars,
    toJavaScript,
  });

/** The catalogue's stores with a server (today redis, memcached, postgres, mysql, mongodb). */
const SERVER_STORES = serverStores().map((store) => store.id);

describe('README "Running several instances"', () => {
  it.each(SERVER_STORES)('%s: the shared section, a load-balancer example and the store\'s own part', (id) => {
    const readme = render(id).files.get('README.md')!.toString();
    const section = readme.slice(readme.indexOf('## Running several instances'), readme.indexOf('## Layout'));
    expect(section).toMatch(/^## Running several instances\n/);
    expect(section).toMatch(/no sticky sessions/);
    expect(section).toMatch(/balance roundrobin/);
    expect(section).toMatch(/proxy_pass http:\/\/app;/);
    expect(section, 'the store part (readme-instances-store) follows').toMatch(/\n### \S+.*\n/);
    expect(readme.match(/## Running several instances/g)).toHaveLength(1);
  });

  it.each(['redis', 'postgres', 'mysql'])('%s: quotes measured capacity', (id) => {
    const readme = render(id).files.get('README.md')!.toString();
    expect(readme).toMatch(/\*\*Capacity\*\*[\s\S]*sessions per GiB[\s\S]*\| 1 KB of data \| 1,024 B \|/);
  });

  it.each(stores.map((s) => s.id).filter((id) => !SERVER_STORES.includes(id)))('%s (no server): no such section', (id) => {
    expect(render(id).files.get('README.md')!.toString()).not.toMatch(/Running several instances/);
  });
});

describe('redis key prefix', () => {
  it.each(['ts', 'js'] as const)('defaults to <app-name>:sess: (%s); .env leaves it empty', (lang) => {
    const { files } = render('redis', lang);
    expect(files.get(`src/config.${lang}`)!.toString()).toMatch(/prefix: env\.REDIS_PREFIX \|\| 'my-app:sess:'/);
    expect(files.get('.env')!.toString()).toMatch(/^REDIS_PREFIX=$/m);
    expect(files.get('.env.example')!.toString()).toMatch(/<name>:sess:[^\n]*\nREDIS_PREFIX=$/m);
  });
});
