import { createFsFromVolume, Volume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { collisions, ejectFiles } from '../../src/cli/eject.js';
import { parseArgs } from '../../src/cli/options.js';
import { layerTemplates } from '../../src/plan/layers.js';
import { createPlan } from '../../src/plan/plan.js';
import { TemplateError } from '../../src/plan/template-error.js';
import { stampFile, stampWarning } from '../../src/stamp.js';
import { findStore } from '../../src/stores/index.js';
import { builtinTemplatesDir, loadTemplateTree, TemplateFolderError, type TemplateFs } from '../../src/template-loader.js';
import { UnsafePath, writeFiles, type WriterFs } from '../../src/writer.js';
import { answers, generator, handlebars, tree, toJavaScript } from './fixtures.js';

const builtins = tree({
  'base/package.json.hbs': '{ "name": {{json projectName}}, "dependencies": {\n{{> package-dependencies}}\n  "express": "5"\n} }\n',
  'base/src/app.ts.hbs': '// built-in app\n',
  'libraries/express-session/files/src/session.ts.hbs': '// express-session layer\n',
  'base/docker-compose.yml.hbs': 'services: {}',
  'base/public/style.css': 'body {}',
  'partials/package-dependencies.hbs': '',
  'partials/readme-store.hbs': 'default readme',
  'partials/config-store.hbs': 'default config',
  'libraries/cookie-session/files/src/session.ts.hbs': '// cookie layer\n',
  'stores/cookie/partials/readme-store.hbs': 'cookie readme',
});

/** A user's template folder on memfs, read through the loader with memfs passed in. */
function userTree(files: Record<string, string>, storeId = 'cookie', setup?: (volume: Volume) => void) {
  const volume = Volume.fromJSON(files, '/');
  setup?.(volume);
  const fs = createFsFromVolume(volume) as unknown as TemplateFs;
  return loadTemplateTree('/tpl', findStore(storeId)!, 'tpl', fs);
}

function plan(user: ReturnType<typeof userTree>, storeId = 'cookie', lang: 'ts' | 'js' = 'ts') {
  return createPlan({
    answers: answers({ store: findStore(storeId)!, lang }),
    trees: [builtins, user],
    sessionSecret: 's'.repeat(48),
    generator,
    handlebars,
    toJavaScript,
  });
}

const text = (p: ReturnType<typeof plan>, path: string) => p.files.get(path)?.toString();

describe('--template layering (user folder read from memfs)', () => {
  it('replaces a base file, adds a file and keeps the rest, per file', () => {
    const p = plan(userTree({ '/tpl/base/src/app.ts.hbs': 'my app {{projectName}}', '/tpl/base/src/extra.ts.hbs': 'extra {{store.id}}' }));
    expect(text(p, 'src/app.ts')).toBe('my app my-app');
    expect(text(p, 'src/extra.ts')).toBe('extra cookie');
    expect(text(p, 'public/style.css')).toBe('body {}');
    expect(text(p, 'src/session.ts')).toBe('// cookie layer\n');
  });

  it('renders added files with the same context, and renames them the same way in JavaScript', () => {
    const p = plan(userTree({ '/tpl/base/src/extra.ts.hbs': "{{#ts}}// ts{{/ts}}{{#js}}// js{{/js}}\nexport const ext: string = '{{ext}}';\n", '/tpl/base/_npmrc': 'x=1' }), 'cookie', 'js');
    expect(text(p, 'src/extra.js')).toBe("// js\n/** @type {string} */\nexport const ext = 'js';\n");
    expect(text(p, '.npmrc')).toBe('x=1');
  });

  it("derives a user's .ts template for JavaScript like a built-in one, and names the file that is not TypeScript", () => {
    const user = { '/tpl/base/src/extra.ts.hbs': "import type { Request } from 'express';\n\n/** The path. */\nexport function path(req: Request): string {\n  return (req as Request).path;\n}\n" };
    expect(text(plan(userTree(user), 'cookie', 'js'), 'src/extra.js')).toBe(
      "/** @import { Request } from 'express' */\n\n/** The path.\n * @param {Request} req\n * @returns {string} */\nexport function path(req) {\n  return req.path;\n}\n",
    );
    expect(() => plan(userTree({ '/tpl/base/src/extra.ts.hbs': 'js js' }), 'cookie', 'js')).toThrow(
      /tpl\/base\/src\/extra\.ts\.hbs: renders TypeScript that cannot be turned into JavaScript: Unexpected token, expected ";" \(1:4\) in the rendered file/,
    );
  });

  it('replaces a partial default per partial; a store that fills the slot still wins, with a warning', () => {
    const p = plan(userTree({ '/tpl/partials/package-dependencies.hbs': '  "left-pad": "1.3.0",', '/tpl/partials/readme-store.hbs': 'mine' }));
    expect(JSON.parse(text(p, 'package.json')!).dependencies).toEqual({ 'left-pad': '1.3.0', express: '5' });
    expect(p.dependencies.map((d) => d.name)).toEqual(['express', 'left-pad']);
    const layered = layerTemplates([builtins, userTree({ '/tpl/partials/readme-store.hbs': 'mine' })], findStore('cookie')!, 'ts');
    expect(layered.partials.get('readme-store')?.content.toString()).toBe('cookie readme');
    expect(layered.shadowed).toEqual([
      'tpl/partials/readme-store.hbs is not used with store cookie: templates/stores/cookie/partials/readme-store.hbs replaces it. ' +
        'To change it for this store, edit a copy at tpl/stores/cookie/partials/readme-store.hbs.',
    ]);
    expect(p.warnings).toHaveLength(1);
  });

  it("replaces a store's own partial and file from stores/<id>/ and a library's file from libraries/<library>/, without a warning", () => {
    const user = userTree({
      '/tpl/stores/cookie/partials/readme-store.hbs': 'my cookie readme',
      '/tpl/stores/cookie/files/src/session.ts.hbs': 'my cookie layer',
      '/tpl/libraries/express-session/files/src/session.ts.hbs': 'my express-session layer',
      '/tpl/stores/redis/files/src/session.ts.hbs': 'not read for cookie',
    });
    expect([...user.keys()].sort()).toEqual(['stores/cookie/files/src/session.ts.hbs', 'stores/cookie/partials/readme-store.hbs']);
    const layered = layerTemplates([builtins, user], findStore('cookie')!, 'ts');
    expect(layered.partials.get('readme-store')?.origin).toBe('tpl/stores/cookie/partials/readme-store.hbs');
    expect(layered.files.get('src/session.ts')?.origin).toBe('tpl/stores/cookie/files/src/session.ts.hbs');
    expect(layered.shadowed).toEqual([]);
    // Another store, on express-session, gets the user's copy of that library's file.
    const memory = layerTemplates([builtins, userTree({ '/tpl/libraries/express-session/files/src/session.ts.hbs': 'mine' }, 'memory')], findStore('memory')!, 'ts');
    expect(memory.files.get('src/session.ts')?.origin).toBe('tpl/libraries/express-session/files/src/session.ts.hbs');
  });

  it('drops a built-in file with a file that renders to white space only, raw or rendered', () => {
    const p = plan(
      userTree({
        '/tpl/base/docker-compose.yml.hbs': '{{!-- dropped: we deploy without compose --}}\n',
        '/tpl/base/public/style.css': '',
      }),
    );
    expect(p.files.has('docker-compose.yml')).toBe(false);
    expect(p.files.has('public/style.css')).toBe(false);
    expect(p.files.has('src/app.ts')).toBe(true);
  });

  it('lets a user .hbs file replace a built-in raw file of the same output path', () => {
    const p = plan(userTree({ '/tpl/base/public/style.css.hbs': '/* {{projectName}} */' }));
    expect(text(p, 'public/style.css')).toBe('/* my-app */');
  });
});

describe('reading the user folder', () => {
  it('refuses a missing folder and a file given as the folder', () => {
    expect(() => userTree({ '/other/x': '' })).toThrow(new TemplateFolderError('tpl: no such folder.'));
    expect(() => userTree({ '/tpl': 'a file' })).toThrow(new TemplateFolderError('tpl is not a folder.'));
  });

  it('follows a symbolic link that stays inside the folder', () => {
    const user = userTree({ '/tpl/shared/app.hbs': 'shared app', '/tpl/base/src/.keep': '' }, 'cookie', (v) =>
      v.symlinkSync('/tpl/shared/app.hbs', '/tpl/base/src/app.ts.hbs'),
    );
    expect(user.get('base/src/app.ts.hbs')?.content.toString()).toBe('shared app');
  });

  it('refuses a symbolic link that leads outside the folder, naming it', () => {
    expect(() =>
      userTree({ '/secret/key': 'do not read', '/tpl/base/.keep': '' }, 'cookie', (v) => v.symlinkSync('/secret/key', '/tpl/base/key')),
    ).toThrow(/^tpl\/base\/key is a symbolic link to \/secret\/key, outside the template folder/);
    expect(() =>
      userTree({ '/secret/key': 'x', '/tpl/partials/.keep': '' }, 'cookie', (v) => v.symlinkSync('/secret', '/tpl/partials/dir')),
    ).toThrow(/tpl\/partials\/dir is a symbolic link to \/secret/);
  });

  it('survives a link cycle', () => {
    const user = userTree({ '/tpl/base/a.txt': 'a' }, 'cookie', (v) => v.symlinkSync('/tpl/base', '/tpl/base/loop'));
    expect([...user.keys()]).toEqual(['base/a.txt']);
  });
});

describe('the version stamp', () => {
  const fs = (files: Record<string, string>) => createFsFromVolume(Volume.fromJSON(files, '/')) as unknown as TemplateFs;
  const stamp = (version: string) => ({ [`/tpl/${stampFile}`]: JSON.stringify({ generator: 'create-express-session-app', version }) });

  it('is optional and silent when it matches', () => {
    expect(stampWarning('/tpl', 'tpl', '1.2.3', fs({ '/tpl/base/x': '' }))).toBeUndefined();
    expect(stampWarning('/tpl', 'tpl', '1.2.3', fs(stamp('1.2.3')))).toBeUndefined();
  });

  it('warns for an older or a newer version, and for a broken stamp', () => {
    expect(stampWarning('/tpl', 'tpl', '1.2.3', fs(stamp('1.0.0')))).toMatch(/^tpl was ejected from version 1\.0\.0; this is 1\.2\.3\. .*eject again/);
    expect(stampWarning('/tpl', 'tpl', '1.2.3', fs(stamp('2.0.0')))).toMatch(/^tpl was ejected from version 2\.0\.0, newer than this 1\.2\.3/);
    expect(stampWarning('/tpl', 'tpl', '1.2.3', fs({ [`/tpl/${stampFile}`]: '{' }))).toMatch(/is not valid JSON/);
  });
});

describe('eject', () => {
  it('copies every built-in template, or one store\'s parts, plus the stamp', () => {
    const all = ejectFiles(undefined, '9.9.9', new Date(0));
    const sqlite = ejectFiles('sqlite', '9.9.9', new Date(0));
    expect(JSON.parse(all.get(stampFile)!.toString())).toEqual({
      generator: 'create-express-session-app',
      version: '9.9.9',
      store: null,
      ejectedAt: '1970-01-01T00:00:00.000Z',
    });
    expect(JSON.parse(sqlite.get(stampFile)!.toString()).store).toBe('sqlite');
    expect(all.has('base/package.json.hbs')).toBe(true);
    expect(all.has('partials/package-dependencies.hbs')).toBe(true);
    expect([...all.keys()].some((k) => k.startsWith('stores/memory/'))).toBe(true);
    expect([...sqlite.keys()].filter((k) => k.startsWith('stores/')).every((k) => k.startsWith('stores/sqlite/'))).toBe(true);
    expect([...sqlite.keys()].some((k) => k.startsWith('stores/sqlite/files/'))).toBe(true);
    // What eject writes is exactly what --template reads back.
    expect(loadTemplateTree(builtinTemplatesDir, findStore('sqlite')!, 'templates').size).toBe(sqlite.size - 1);
  });

  it('finds the files that are already there', async () => {
    const fs = createFsFromVolume(Volume.fromJSON({ '/out/base/package.json.hbs': 'mine', '/out/partials': 'a file' }, '/')) as unknown as WriterFs;
    expect(collisions(fs, '/out', ['base/package.json.hbs', 'base/src/app.ts.hbs', 'partials/x.hbs'])).toEqual(['base/package.json.hbs', 'partials/x.hbs']);
  });

  it('is parsed as a command of its own', async () => {
    expect(await parseArgs(['eject', 'tpl', '--store', 'redis', '--force'], 'x', '1.0.0')).toEqual({
      kind: 'eject',
      options: { directory: 'tpl', store: 'redis', force: true, json: false },
    });
    await expect(parseArgs(['eject'], 'x', '1.0.0')).rejects.toThrow(/missing required argument 'dir'/);
    expect(await parseArgs(['--help'], 'x', '1.0.0')).toMatchObject({ kind: 'info', text: expect.stringContaining('eject <dir> [--store id] [--force]') });
  });
});

describe('the writer never writes through a symbolic link in the target', () => {
  it('refuses before writing anything', async () => {
    const volume = Volume.fromJSON({ '/outside/.keep': '', '/app/README.md': 'mine' }, '/');
    volume.symlinkSync('/outside', '/app/src');
    const fs = createFsFromVolume(volume) as unknown as WriterFs;
    const files = new Map([
      ['a.txt', 'a'],
      ['src/app.ts', 'app'],
    ]);
    await expect(writeFiles(fs, '/app', files)).rejects.toThrow(UnsafePath);
    expect(volume.existsSync('/app/a.txt')).toBe(false);
    expect(volume.readdirSync('/outside')).toEqual(['.keep']);
  });
});

describe('template errors from a user folder', () => {
  const error = (files: Record<string, string>) => {
    try {
      plan(userTree(files));
    } catch (caught) {
      if (caught instanceof TemplateError) return caught;
      throw caught;
    }
    throw new Error('expected a TemplateError');
  };

  it('names the partial and its line for an unknown variable inside a partial', () => {
    expect(error({ '/tpl/partials/package-dependencies.hbs': '\n\n  {{nope}}' }).message).toBe(
      'tpl/partials/package-dependencies.hbs:3: "nope" is not a known variable or helper',
    );
  });

  it('names the file and line for an unknown partial and a syntax error', () => {
    expect(error({ '/tpl/base/a.txt.hbs': 'x\n{{> nowhere}}' }).message).toBe(
      'tpl/base/a.txt.hbs:2: "nowhere" is not a known partial (add it as partials/nowhere.hbs)',
    );
    expect(error({ '/tpl/base/a.txt.hbs': 'x\n{{#if projectName}}\n' }).message).toMatch(/^tpl\/base\/a\.txt\.hbs:3: syntax error: the file ends inside a block/);
    expect(error({ '/tpl/base/a.txt.hbs': 'x\n{{foo}\n' }).message).toMatch(/^tpl\/base\/a\.txt\.hbs:2: syntax error near "x\{\{foo\}" \(unexpected INVALID\)$/);
  });

  it('for invalid package.json: the line of the rendered output and the partials it includes', () => {
    const e = error({ '/tpl/partials/package-dependencies.hbs': '  "left-pad": "1.3.0"\n' });
    expect(e.origin).toBe('templates/base/package.json.hbs');
    expect(e.message).toContain('around line 3 of the rendered package.json: "\\"left-pad\\": \\"1.3.0\\"" then "\\"express\\": \\"5\\""');
    expect(e.message).toContain('it includes tpl/partials/package-dependencies.hbs');
  });
});
