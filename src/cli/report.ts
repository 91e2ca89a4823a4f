import type { Io, Sink } from './output.js';

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const codes: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

function paint(sink: Sink, style: Style, text: string): string {
  if (!sink.isTerminal || 'NO_COLOR' in process.env) return text;
  const [open, close] = codes[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Human output. With --json it all goes to stderr so that stdout holds only the JSON object. */
export class Reporter {
  private readonly human: Sink;

  constructor(
    readonly json: boolean,
    private readonly io: Io,
  ) {
    this.human = json ? io.stderr : io.stdout;
  }

  style(style: Style, text: string): string {
    return paint(this.human, style, text);
  }

  line(text = ''): void {
    this.human.write(`${text}\n`);
  }

  /** Warnings that are not errors, on stderr (stdout stays for results). */
  warning(text: string): void {
    this.io.stderr.write(`${paint(this.io.stderr, 'yellow', `Warning: ${text}`)}\n`);
  }

  /** Errors always go to stderr. */
  error(text: string): void {
    this.io.stderr.write(`${paint(this.io.stderr, 'red', text)}\n`);
  }

  result(value: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  get interactiveTerminal(): boolean {
    return this.human.isTerminal;
  }
}
