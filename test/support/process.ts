/**
 * Child processes for end-to-end tests: free ports, long-running servers in their own
 * process group (so `npm start` → sh → node all die together), HTTP readiness polling, and
 * one-shot commands with captured output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: no port assigned'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/**
 * The environment a user's shell would have: without what vitest and the surrounding
 * `npm test` put into ours. A generated app's own `npm test` runs vitest too, and inherited
 * VITEST_* / NODE_ENV=test variables would change what it does.
 */
export function userEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(VITEST|__VITEST|TINYPOOL|npm_|NPM_|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$)/.test(key)) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface StartedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly command: string;
  /** Everything written to stdout and stderr so far, interleaved. */
  output(): string;
  /** Settles when the process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether it has exited. */
  hasExited(): boolean;
}

export interface StartOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT = 200_000;

/**
 * Start a long-running command in a new process group (detached), stdin closed, output
 * captured. Stop it with `stop()`.
 */
export function startProcess(cmd: string, args: string[], opts: StartOptions): StartedProcess {
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? userEnv(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  const append = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    if (buffer.length > MAX_OUTPUT) buffer = buffer.slice(-MAX_OUTPUT);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (err) => {
      buffer += `\n[spawn error] ${err.message}\n`;
      done = true;
      resolve({ code: null, signal: null });
    });
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  return {
    child,
    pid: child.pid ?? -1,
    command: [cmd, ...args].join(' '),
    output: () => buffer,
    exited,
    hasExited: () => done,
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * Whether a process of the group is still running. A zombie does not count: it has exited and
 * closed its sockets. `npm start` exits first on SIGTERM, so the app's node process is
 * orphaned and its zombie waits for PID 1 to reap it, which on the CI machines takes 1-2 s
 * (kill(-pgid, 0) still succeeds meanwhile); that wait was ~1.7 s of every stop().
 */
function groupAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(-pid, 0);
  } catch {
    return false;
  }
  if (!existsSync('/proc/self/stat')) return true; // no procfs: the signal check is all we have
  return readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name in parentheses: state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pid && state !== 'Z';
    } catch {
      return false; // gone meanwhile
    }
  });
}

/**
 * Stop a process started by `startProcess` and everything in its process group:
 * SIGTERM, then SIGKILL after `graceMs`. Resolves with how the leader exited and whether
 * SIGKILL was needed (`killed`: the group did not shut down gracefully in time).
 */
export async function stop(
  proc: StartedProcess,
  graceMs = 5_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
  killGroup(proc.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  // Wait for the leader, then for stragglers in its group (npm → sh → node).
  const leader = await Promise.race([
    proc.exited,
    new Promise<null>((r) => setTimeout(() => r(null), graceMs)),
  ]);
  while (groupAlive(proc.pid) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  let killed = false;
  if (leader === null || groupAlive(proc.pid)) {
    killed = true;
    killGroup(proc.pid, 'SIGKILL');
  }
  return { ...(await proc.exited), killed };
}

/**
 * Poll `url` until it answers with `status` (default 200), every 100 ms, up to `timeoutMs`.
 * With `proc`, fail at once (with its output) if that process exits first.
 */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  opts: { proc?: StartedProcess; status?: number } = {},
): Promise<Response> {
  const want = opts.status ?? 200;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (opts.proc?.hasExited()) {
      const { code, signal } = await opts.proc.exited;
      throw new Error(
        `waitForHttp(${url}): \`${opts.proc.command}\` exited (code ${code}, signal ${signal}) before answering.\n` +
          `--- its output:\n${opts.proc.output()}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000), redirect: 'manual' });
      if (res.status === want) return res;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`;
    } catch (err) {
      last = (err as Error).cause ? String((err as Error & { cause: unknown }).cause) : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `waitForHttp(${url}): no HTTP ${want} within ${timeoutMs} ms (last: ${last})` +
      (opts.proc ? `\n--- output of \`${opts.proc.command}\`:\n${opts.proc.output()}` : ''),
  );
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Text written to stdin, then closed. Default: stdin is closed at once (/dev/null). */
  input?: string;
}

/** Run a command to completion (own process group, killed whole on timeout), capturing output. */
export function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? userEnv(),
      detached: true,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            if (child.pid) killGroup(child.pid, 'SIGKILL');
          }, opts.timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (timer) clearTimeout(timer);
      resolve({
        command: [cmd, ...args].join(' '),
        code,
        signal,
        stdout,
        stderr,
        durationMs: Date.now() - started,
        timedOut,
      });
    };
    child.on('error', (err) => {
      stderr += `\n[spawn error] ${err.message}\n`;
      finish(null, null);
    });
    // 'close', not 'exit': all output has been read.
    child.on('close', finish);
  });
}

/** A readable account of a finished command, for assertion messages. */
export function describeRun(r: RunResult): string {
  return (
    `\`${r.command}\` → exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}` +
    `${r.timedOut ? ' (TIMED OUT)' : ''} after ${(r.durationMs / 1000).toFixed(1)} s\n` +
    `--- stdout:\n${r.stdout.slice(-8_000)}\n--- stderr:\n${r.stderr.slice(-8_000)}`
  );
}
