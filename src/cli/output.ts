import { isatty } from 'node:tty';

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
  stdinIsTerminal(): boolean;
}

/** A process stream as a Sink. A reader that went away (`stores | head`, EPIPE) is not an error: the rest is dropped. */
function streamSink(stream: NodeJS.WriteStream): Sink {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return {
    write(text) {
      if (!closed) stream.write(text);
    },
    get isTerminal() {
      return stream.isTTY === true;
    },
  };
}

export function processIo(): Io {
  return {
    stdout: streamSink(process.stdout),
    stderr: streamSink(process.stderr),
    stdinIsTerminal: () => isatty(0),
  };
}
