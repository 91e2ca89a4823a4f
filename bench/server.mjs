// Starting and stopping the servers under test.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A server in its own process group, output kept for error messages. */
export function spawnServer(cmd, args, { cwd, env }) {
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output = (output + c).slice(-20_000)));
  child.stderr.on('data', (c) => (output = (output + c).slice(-20_000)));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => output, command: [cmd, ...args].join(' ') };
}

export async function stopServer(server) {
  try {
    process.kill(-server.child.pid, 'SIGTERM');
  } catch {}
  const timeout = new Promise((r) => setTimeout(() => r('timeout'), 5_000));
  if ((await Promise.race([server.exited, timeout])) === 'timeout') {
    try {
      process.kill(-server.child.pid, 'SIGKILL');
    } catch {}
    await server.exited;
  }
}

/** Polls GET / until the server answers at all (any status), or fails with its output. */
export async function waitFor(base, server, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  server.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`\`${server.command}\` exited before answering:\n${server.output()}`);
    try {
      await fetch(`${base}/api/session`, { signal: AbortSignal.timeout(1_000), headers: { 'x-forwarded-proto': 'https' } });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`\`${server.command}\` did not answer within ${timeoutMs} ms:\n${server.output()}`);
}

/** CPU time (user + system, ms) a process has used so far; null where /proc is missing. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100) ticks
  } catch {
    return null;
  }
}
