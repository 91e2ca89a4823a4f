/**
 * Once per e2e run: create the test databases on the servers that answer, pack the
 * repository and install the tarball into a scratch prefix. In CI (CI set, as .ci/run does) or
 * with E2E_PREPARE_ALL=1, also make every store's shared apps (test/e2e/apps.ts) before the
 * first file, both cores busy; E2E_PREPARE_ALL=0 turns that off.
 * Teardown removes the tarball and the scratch directory (keep them with E2E_KEEP=1).
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TestProject } from 'vitest/node';
import { prepareTestDatabases } from '../support/services.js';
import { prepareAllSharedApps } from './apps.js';
import { prepareCli, useCli } from './pack.js';

export default async function setup(project: TestProject) {
  for (const line of await prepareTestDatabases()) console.log(`e2e: ${line}`);
  const packed = await prepareCli();
  project.provide('e2eCli', packed);
  console.log(
    `e2e: packed ${packed.tarball} in ${(packed.packMs / 1000).toFixed(1)} s; ` +
      `installed into ${packed.prefix} in ${(packed.installMs / 1000).toFixed(1)} s`,
  );
  if ((process.env.E2E_PREPARE_ALL ?? (process.env.CI ? '1' : '0')) !== '0') {
    const t = Date.now();
    useCli(packed);
    await prepareAllSharedApps();
    console.log(`e2e: every store's shared apps installed in ${((Date.now() - t) / 1000).toFixed(1)} s (E2E_PREPARE_ALL)`);
  }
  return async () => {
    if (process.env.E2E_KEEP) {
      console.log(`e2e: E2E_KEEP set: keeping ${packed.scratch} and ${dirname(packed.tarball)}`);
      return;
    }
    await rm(packed.scratch, { recursive: true, force: true });
    await rm(dirname(packed.tarball), { recursive: true, force: true });
  };
}
