/** Where the CLI's text goes: stdout or stderr, or a buffer in tests. */
export interface Sink {
  write(text: string): void;
  /** A terminal (colours, spinners). */
  readonly isTerminal: boolean;
}

export interface Io {
  stdout: Sink;
  stderr: Sink;
  /** Whether questions can be asked; called only when a run might prompt (not with --yes). */
  stdinIsTerminal(): boolean | Promise<boolean>;
}

/**
 * A process stream as a Sink, taken on first use (most runs never write to stderr, and node
 * builds process.stderr only when it is read). A reader that went away (`stores | head`,
 * EPIPE) is not an error: the rest is dropped.
 */
function streamSink(get: () => NodeJS.WriteStream): Sink {
  let stream: NodeJS.WriteStream | undefined;
  let closed = false;
  const open = () => {
    if (!stream) {
      stream = get();
      stream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        closed = true;
      });
    }
    return stream;
  };
  return {
    write(text) {
      if (!closed) open().write(text);
    },
    get isTerminal() {
      return open().isTTY === true;
    },
  };
}

export function processIo(): Io {
  return {
    stdout: streamSink(() => process.stdout),
    stderr: streamSink(() => process.stderr),
    // node:tty is loaded only here: a run with --yes or CI never needs it.
    stdinIsTerminal: async () => (await import('node:tty')).isatty(0),
  };
}
