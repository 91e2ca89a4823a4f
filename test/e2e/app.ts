import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRun, run, startProcess, stop, userEnv, waitForHttp, type StartedProcess } from '../support/process.js';

/**
 * Rate limits high enough for the e2e traffic from one address (the limits have their own
 * tests in each app's suite); spread into the environment of every app the e2e tests start.
 */
export const E2E_LIMITS = { LOGIN_RATE_LIMIT: '100000', NEW_SESSION_LIMIT: '10000000' };

/** `npm run build` once in an app that has a build step (TypeScript) and no build yet. */
export async function buildOnce(app: string): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (!pkg.scripts?.build || existsSync(join(app, 'dist', 'server.js'))) return;
  const r = await run('npm', ['run', 'build'], { cwd: app, env: userEnv(), timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`npm run build failed in ${app}\n${describeRun(r)}`);
}

/** `npm start` in a generated app on 127.0.0.1:`port` (built first), resolved once /health answers. */
export async function startApp(
  app: string,
  port: number,
  env: Record<string, string> = {},
): Promise<{ proc: StartedProcess; baseUrl: string }> {
  await buildOnce(app);
  const proc = startProcess('npm', ['start'], {
    cwd: app,
    env: userEnv({ ...E2E_LIMITS, PORT: String(port), HOST: '127.0.0.1', ...env }),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/health`, 60_000, { proc });
  } catch (err) {
    await stop(proc);
    throw err;
  }
  return { proc, baseUrl };
}
