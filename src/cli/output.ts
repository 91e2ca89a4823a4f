import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Where the CLI's text goes: stdout or stderr, or a buffer in tests. */
export interface Sink {
  write(text: string): void;
  /** A terminal (colours, spinners; for stdin: questions can be asked). */
  readonly isTerminal: boolean;
}

export interface Io {
  stdout: Sink;
  stderr: Sink;
  /** Asked only when a run might prompt (not with --yes). */
  stdinIsTerminal(): boolean;
}

/**
 * Whether `fd` is a terminal. A terminal is a character device, so anything else (a pipe, a
 * file) is answered by one fstat; only then is node:tty loaded, which loads node:net and its
 * streams (~3 ms of a ~70 ms scaffold, bench/scaffold.mjs).
 */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false; // closed
  }
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return tty.isatty(fd);
}

/**
 * Text written straight to file descriptor `fd` with write(2). Building process.stdout for a
 * pipe costs ~4 ms (it is a net.Socket) on a run that writes two lines. Where that can't work
 * the process stream takes over: on Windows (a console wants UTF-16), and when the descriptor
 * is a full non-blocking pipe (EAGAIN; the stream waits for it). A reader that went away
 * (`stores | head`, EPIPE) is not an error: the rest is dropped.
 */
export class FdSink implements Sink {
  #closed = false;
  #stream: NodeJS.WriteStream | undefined;
  #terminal: boolean | undefined;

  constructor(
    private readonly fd: number,
    private readonly stream: () => NodeJS.WriteStream,
  ) {}

  get isTerminal(): boolean {
    this.#terminal ??= isTerminal(this.fd);
    return this.#terminal;
  }

  write(text: string): void {
    if (this.#closed) return;
    if (this.#stream || process.platform === 'win32') {
      this.#toStream(text);
      return;
    }
    const bytes = Buffer.from(text);
    let offset = 0;
    try {
      while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') this.#closed = true;
      else if (code === 'EAGAIN') this.#toStream(bytes.subarray(offset));
      else throw error;
    }
  }

  #toStream(chunk: string | Uint8Array): void {
    if (!this.#stream) {
      this.#stream = this.stream();
      this.#stream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        this.#closed = true;
      });
    }
    this.#stream.write(chunk);
  }
}

export function processIo(): Io {
  return {
    stdout: new FdSink(1, () => process.stdout),
    stderr: new FdSink(2, () => process.stderr),
    stdinIsTerminal: () => isTerminal(0),
  };
}
