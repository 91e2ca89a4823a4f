import { startProcess, stop, userEnv, waitForHttp, type StartedProcess } from '../support/process.js';

/** `npm start` in a generated app on 127.0.0.1:`port`, resolved once /health answers. */
export async function startApp(
  app: string,
  port: number,
  env: Record<string, string> = {},
): Promise<{ proc: StartedProcess; baseUrl: string }> {
  const proc = startProcess('npm', ['start'], {
    cwd: app,
    env: userEnv({ PORT: String(port), HOST: '127.0.0.1', ...env }),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    // TS apps compile before they listen: allow for a loaded machine.
    await waitForHttp(`${baseUrl}/health`, 120_000, { proc });
  } catch (err) {
    await stop(proc);
    throw err;
  }
  return { proc, baseUrl };
}
