/**
 * `npm test` on a machine where PostgreSQL and MariaDB answer but the test databases were
 * never created (no `npm run services` before it): the global setup creates them, and where
 * it cannot (no rights), the tests that need them skip outside CI with the fixing command
 * and fail in CI instead of failing one by one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { databaseProblem, dropTestDatabase, ensureTestDatabase, withDatabase } from '../support/databases.js';
import { isServiceUp, prepareTestDatabases, requireService, serviceUrl } from '../support/services.js';

const ENV_KEY = { postgres: 'TEST_POSTGRES_URL', mysql: 'TEST_MYSQL_URL' } as const;
const saved = { ...process.env };

afterEach(() => {
  for (const key of [...Object.values(ENV_KEY), 'CI']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

for (const service of ['postgres', 'mysql'] as const) {
  const up = await isServiceUp(service);

  describe.skipIf(!up)(`${service}: a test database that does not exist yet`, () => {
    const fresh = withDatabase(serviceUrl(service), `sessions_test_fresh_${process.pid}`);

    it('is created by the global setup step and is then usable', async () => {
      await dropTestDatabase(service, fresh);
      try {
        expect(await databaseProblem(service, fresh), 'dropped database answers').toBeDefined();
        process.env[ENV_KEY[service]] = fresh;
        process.env.CI = 'true';
        await expect(requireService(service), 'CI fails, not skips, a missing test database').rejects.toThrow(
          /test database .* cannot be used .*npm run services/,
        );

        const lines = await prepareTestDatabases();
        expect(lines).toContain(`${service}: test database created`);
        expect(await databaseProblem(service, fresh)).toBeUndefined();
        expect(await requireService(service)).toBe(true);
        expect(await ensureTestDatabase(service, fresh), 'a second run changes nothing').toBe('exists');
      } finally {
        await dropTestDatabase(service, fresh);
      }
    });

    it('skips outside CI, with the fixing command, when it cannot be created', async () => {
      const url = new URL(fresh);
      url.username = 'no_such_user_for_tests';
      const denied = await ensureTestDatabase(service, url.toString());
      expect(denied).toBeInstanceOf(Error);
      expect((denied as Error).message).toMatch(/cannot create database sessions_test_fresh_/);

      process.env[ENV_KEY[service]] = url.toString();
      process.env.CI = '';
      expect(await requireService(service), 'outside CI: skip').toBe(false);
    });
  });
}
