import { defineConfig } from 'vitest/config';

// Two projects: `vitest run --project unit` is the fast inner loop; `--project e2e` packs the
// package, scaffolds real apps from the tarball, installs them and drives them over HTTP.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // The built-in templates precompiled into dist/templates/, as `npm run build` does.
          globalSetup: ['test/unit/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // npm installs (better-sqlite3 compiles from source here: ~1.5 min) and app boots.
          testTimeout: 600_000,
          hookTimeout: 900_000,
          // One file at a time: files share the packed tarball, the apps installed for the run
          // (test/e2e/apps.ts), the store servers (some tests stop them) and the machine's two
          // cores. Within a file, apps.ts installs and runs the apps' own suites two at a time.
          fileParallelism: false,
          // `npm pack` + install of the tarball happen once per run, here.
          globalSetup: ['test/e2e/global-setup.ts'],
          // Fail loudly, never retry: a flaky e2e test is a bug to fix.
          retry: 0,
        },
      },
    ],
  },
});
