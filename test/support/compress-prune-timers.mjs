/**
 * Preloaded into generated apps by test/e2e/instances.test.ts (NODE_OPTIONS=--import …), and
 * nowhere else: the session stores' prune timers fire E2E_PRUNE_TIMER_FACTOR times sooner
 * (default 300), so the test sees several rounds of expired-session pruning from each of two
 * instances within seconds instead of an hour. It touches only timers of 7.5 to 22.5 minutes,
 * the range of both prune schedules (connect-pg-simple: a setTimeout of 50–150 % of 15 minutes,
 * re-armed when a prune has finished; the MySQL store: a setInterval of 15 minutes); every
 * other timer, and all of the app's code, run as they ship. Each prune timer that fires writes
 * "[e2e] prune timer fired" to stderr, so the test can count them per instance.
 */
const factor = Number(process.env.E2E_PRUNE_TIMER_FACTOR || 300);
const low = 7.5 * 60_000;
const high = 22.5 * 60_000;

function compress(original, kind) {
  return function (callback, delay, ...args) {
    if (typeof callback === 'function' && typeof delay === 'number' && delay >= low && delay <= high) {
      const fired = (...callbackArgs) => {
        process.stderr.write(`[e2e] prune timer fired (${kind} of ${Math.round(delay / 1000)} s, run after ${Math.ceil(delay / factor)} ms)\n`);
        return callback(...callbackArgs);
      };
      return original.call(this, fired, Math.ceil(delay / factor), ...args);
    }
    return original.call(this, callback, delay, ...args);
  };
}

globalThis.setTimeout = compress(globalThis.setTimeout, 'setTimeout');
globalThis.setInterval = compress(globalThis.setInterval, 'setInterval');
