/** Exit codes of DESIGN.md §3. */
export const exitCodes = { ok: 0, runtime: 1, usage: 2, cancelled: 130 } as const;

/** Bad flags or answers: exit 2, each problem on its own line. */
export class UsageError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'UsageError';
  }
}

/** The user cancelled at a prompt or pressed Ctrl-C: exit 130. */
export class Cancelled extends Error {
  constructor(message = 'Cancelled.') {
    super(message);
    this.name = 'Cancelled';
  }
}
