import { createFsFromVolume, Volume } from 'memfs';
import { describe, expect, it } from 'vitest';
import { inspectTarget, writeFiles, WriteCancelled, type WriterFs } from '../../src/writer.js';

function memory(files: Record<string, string> = {}) {
  const volume = Volume.fromJSON(files, '/');
  return { volume, fs: createFsFromVolume(volume) as unknown as WriterFs };
}

const project = new Map<string, string>([
  ['package.json', '{}'],
  ['src/app.ts', 'app'],
  ['src/routes/api.ts', 'api'],
  ['.gitignore', 'node_modules'],
]);

describe('inspectTarget', () => {
  it('tells missing, empty, non-empty and file targets apart', async () => {
    const { fs } = memory({ '/work/empty/.git/HEAD': 'ref', '/work/full/a.txt': 'a', '/work/file': 'x' });
    expect(inspectTarget(fs, '/work/new/deeper')).toEqual({ kind: 'missing' });
    expect(inspectTarget(fs, '/work/empty')).toEqual({ kind: 'empty' });
    expect(inspectTarget(fs, '/work/full')).toEqual({ kind: 'non-empty', entries: ['a.txt'] });
    expect(inspectTarget(fs, '/work/file')).toEqual({ kind: 'not-a-directory' });
    expect(inspectTarget(fs, '/work/file/app')).toEqual({ kind: 'unwritable', path: '/work/file', reason: 'is a file, not a folder' });
  });
});

describe('writeFiles', () => {
  it('writes every file, creating folders', async () => {
    const { fs, volume } = memory({ '/work/.keep': '' });
    expect(await writeFiles(fs, '/work/app', project)).toEqual({ written: 4 });
    expect(volume.toJSON()).toEqual({
      '/work/.keep': '',
      '/work/app/package.json': '{}',
      '/work/app/src/app.ts': 'app',
      '/work/app/src/routes/api.ts': 'api',
      '/work/app/.gitignore': 'node_modules',
    });
  });

  it('keeps files that do not collide and overwrites those that do (--force)', async () => {
    const { fs, volume } = memory({ '/work/app/README.md': 'mine', '/work/app/package.json': 'old' });
    await writeFiles(fs, '/work/app', project);
    expect(volume.toJSON()['/work/app/README.md']).toBe('mine');
    expect(volume.toJSON()['/work/app/package.json']).toBe('{}');
  });

  it('removes what it created and restores what it overwrote when a write fails', async () => {
    const before = { '/work/app/README.md': 'mine', '/work/app/package.json': 'old', '/work/app/src/keep.ts': 'keep' };
    const { fs, volume } = memory(before);
    let writes = 0;
    const failing: WriterFs = {
      ...fs,
      writeFileSync: (...args: Parameters<WriterFs['writeFileSync']>) => {
        if (++writes === 3) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return fs.writeFileSync(...args);
      },
    };
    await expect(writeFiles(failing, '/work/app', project)).rejects.toThrow('ENOSPC');
    expect(volume.toJSON()).toEqual(before);
  });

  it('removes the target folder and its parents when it created them', async () => {
    const { fs, volume } = memory({ '/work/.keep': '' });
    const failing: WriterFs = {
      ...fs,
      writeFileSync: () => {
        throw new Error('EIO');
      },
    };
    await expect(writeFiles(failing, '/work/a/b/app', project)).rejects.toThrow('EIO');
    expect(volume.toJSON()).toEqual({ '/work/.keep': '' });
  });

  it('undoes its work when aborted mid-write (Ctrl-C)', async () => {
    const before = { '/work/app/notes.txt': 'keep me' };
    const { fs, volume } = memory(before);
    const controller = new AbortController();
    let writes = 0;
    const interrupted: WriterFs = {
      ...fs,
      writeFileSync: (...args: Parameters<WriterFs['writeFileSync']>) => {
        fs.writeFileSync(...args);
        if (++writes === 2) controller.abort();
      },
    };
    await expect(writeFiles(interrupted, '/work/app', project, controller.signal)).rejects.toBeInstanceOf(WriteCancelled);
    expect(volume.toJSON()).toEqual(before);
  });

  it('removes the files it is told to (switch), and puts them back when interrupted', async () => {
    const before = { '/work/app/src/sqlite-store.ts': 'store', '/work/app/src/app.ts': 'old app', '/work/app/notes.txt': 'keep me' };
    const { fs, volume } = memory(before);
    await writeFiles(fs, '/work/app', new Map([['src/app.ts', 'new app']]), undefined, ['src/sqlite-store.ts']);
    expect(volume.toJSON()).toEqual({ '/work/app/src/app.ts': 'new app', '/work/app/notes.txt': 'keep me' });

    const again = memory(before);
    const signal = { aborted: false };
    const interrupted: WriterFs = {
      ...again.fs,
      rmSync: (...args: Parameters<WriterFs['rmSync']>) => {
        again.fs.rmSync(...args);
        signal.aborted = true; // Ctrl-C right after the removal
      },
    };
    const files = new Map([['src/app.ts', 'new app'], ['src/redis.ts', 'new']]);
    await expect(writeFiles(interrupted, '/work/app', files, signal, ['src/sqlite-store.ts'])).rejects.toBeInstanceOf(WriteCancelled);
    expect(again.volume.toJSON()).toEqual(before);
  });

  it('writes binary contents untouched', async () => {
    const { fs, volume } = memory();
    const bytes = Buffer.from([0, 255, 1, 2]);
    await writeFiles(fs, '/app', new Map([['favicon.ico', bytes]]));
    expect(Buffer.from(volume.readFileSync('/app/favicon.ico') as Buffer)).toEqual(bytes);
  });

  it('keeps a file that appears in a folder it just created, and restores it on failure', async () => {
    const { fs, volume } = memory({ '/work/.keep': '' });
    // Another process drops a file into src/ right after this write creates the folder.
    const racing: WriterFs = {
      ...fs,
      mkdirSync: ((...args: Parameters<WriterFs['mkdirSync']>) => {
        const made = fs.mkdirSync(...args);
        if (String(args[0]) === '/work/app/src') fs.writeFileSync('/work/app/src/app.ts', 'theirs');
        return made;
      }) as WriterFs['mkdirSync'],
      writeFileSync: (...args: Parameters<WriterFs['writeFileSync']>) => {
        if (String(args[0]).endsWith('.gitignore')) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        return fs.writeFileSync(...args);
      },
    };
    await expect(writeFiles(racing, '/work/app', project)).rejects.toThrow('EIO');
    expect(volume.toJSON()).toEqual({ '/work/.keep': '', '/work/app/src/app.ts': 'theirs' });
  });
});
