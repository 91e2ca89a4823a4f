/** What `writeFiles` and the install step read to stop early: set by Ctrl-C (SIGINT) or SIGTERM. */
export type Interrupt = { readonly aborted: boolean };

/**
 * Runs `work` with SIGINT and SIGTERM turned into a flag instead of an exit, so that a write in
 * progress can put every file back before the command ends.
 */
export async function whileInterruptible<T>(work: (interrupt: Interrupt) => Promise<T>): Promise<T> {
  const interrupt = { aborted: false };
  const onSignal = () => {
    interrupt.aborted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(interrupt);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
