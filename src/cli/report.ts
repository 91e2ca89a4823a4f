import type { Writable } from 'node:stream';

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const codes: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

/** Human output. With --json it all goes to stderr so that stdout holds only the JSON object. */
export class Reporter {
  readonly human: Writable;
  private readonly color: boolean;

  constructor(readonly json: boolean) {
    this.human = json ? process.stderr : process.stdout;
    // `stores | head` closes the pipe early: the reader wants no more, which is not a crash.
    if (this.human.listenerCount('error') === 0) this.human.on('error', ignoreClosedPipe);
    const stream = this.human as Writable & { isTTY?: boolean };
    this.color = Boolean(stream.isTTY) && !('NO_COLOR' in process.env);
  }

  style(style: Style, text: string): string {
    if (!this.color) return text;
    const [open, close] = codes[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  line(text = ''): void {
    this.human.write(`${text}\n`);
  }

  warn(text: string): void {
    this.line(this.style('yellow', `! ${text}`));
  }

  /** Warnings that are not errors, on stderr (stdout stays for results). */
  warning(text: string): void {
    const stream = process.stderr as Writable & { isTTY?: boolean };
    const styled = stream.isTTY && !('NO_COLOR' in process.env) ? `\u001b[33mWarning: ${text}\u001b[39m` : `Warning: ${text}`;
    process.stderr.write(`${styled}\n`);
  }

  /** Errors always go to stderr. */
  error(text: string): void {
    const stream = process.stderr as Writable & { isTTY?: boolean };
    const styled = stream.isTTY && !('NO_COLOR' in process.env) ? `\u001b[31m${text}\u001b[39m` : text;
    process.stderr.write(`${styled}\n`);
  }

  result(value: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  get interactiveTerminal(): boolean {
    return Boolean((this.human as Writable & { isTTY?: boolean }).isTTY);
  }
}
