/**
 * What a lab prints: a banner naming the target, step headings, spinners for waits with their
 * timings, tables, a terminal chart, masked secrets and (on Azure) portal links.
 *
 * Colours and spinners appear only on a terminal; piped output (captured transcripts, CI) is
 * plain text with one line per finished task.
 */
import ora from 'ora';
import pc from 'picocolors';
import Table from 'cli-table3';
import asciichart from 'asciichart';

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Shows the first four characters of a secret and hides the rest. */
export function mask(secret: string | undefined): string {
  if (!secret) return '(none)';
  return `${secret.slice(0, 4)}${'•'.repeat(8)}`;
}

export function formatNumber(value: number): string {
  return value.toLocaleString('en-US');
}

export interface ChartSeries {
  name: string;
  values: number[];
}

const CHART_COLOURS = [asciichart.blue, asciichart.magenta, asciichart.green, asciichart.yellow, asciichart.cyan];

export class Output {
  private readonly stream = process.stdout;
  /** A terminal with a known width (spinners redraw lines, which needs the width). */
  readonly interactive = Boolean(process.stdout.isTTY) && (process.stdout.columns ?? 0) > 0;

  line(text = ''): void {
    this.stream.write(text + '\n');
  }

  /** The lab's title and the one-line target banner. */
  banner(step: string, title: string, target: string): void {
    this.line(pc.bold(`▶ npm run lab:${step}: ${title}`));
    this.line(pc.dim(`  Target: ${target}`));
  }

  heading(text: string): void {
    this.line();
    this.line(pc.bold(pc.cyan(text)));
  }

  info(text: string): void {
    this.line(`  ${text}`);
  }

  note(text: string): void {
    this.line(pc.dim(`  ${text}`));
  }

  warn(text: string): void {
    this.line(pc.yellow(`⚠ ${text}`));
  }

  success(text: string): void {
    this.line(pc.green(`✔ ${text}`));
  }

  /** The portal link for a resource; printed on Azure only. */
  link(url: string | undefined): void {
    if (url) this.line(pc.dim(`  Portal: ${url}`));
  }

  /**
   * Runs one wait behind a spinner (terminal only), then prints a single line with the outcome
   * and how long it took. `done` turns the result into the line's text.
   */
  async task<T>(text: string, work: () => Promise<T>, done: (result: T) => string = () => text): Promise<T> {
    const spinner = ora({ text, stream: this.stream, isEnabled: this.interactive, discardStdin: false });
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    if (this.interactive) {
      spinner.start();
      timer = setInterval(() => (spinner.text = `${text} ${pc.dim(seconds(Date.now() - started))}`), 1000);
    }
    try {
      const result = await work();
      spinner.stopAndPersist({ symbol: pc.green('✔'), text: `${done(result)} ${pc.dim(`(${seconds(Date.now() - started)})`)}` });
      return result;
    } catch (error) {
      spinner.stopAndPersist({ symbol: pc.red('✖'), text: `${text} ${pc.dim(`(${seconds(Date.now() - started)})`)}` });
      throw error;
    } finally {
      if (timer) clearInterval(timer);
    }
  }

  /** A table with a header row; numbers are right-aligned. */
  table(head: string[], rows: Array<Array<string | number>>): void {
    const table = new Table({
      head: head.map((title) => pc.bold(title)),
      style: { head: [], border: [] },
      colAligns: head.map((_, column) => (rows.length > 0 && rows.every((row) => typeof row[column] === 'number') ? 'right' : 'left')),
    });
    for (const row of rows) table.push(row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : cell)));
    for (const text of table.toString().split('\n')) this.line(`  ${text}`);
  }

  /** Name/value pairs as a two-column table without a header. */
  details(pairs: Array<[string, string]>): void {
    const table = new Table({ style: { head: [], border: [] } });
    for (const [name, value] of pairs) table.push({ [pc.bold(name)]: value });
    for (const text of table.toString().split('\n')) this.line(`  ${text}`);
  }

  /** A block of text (XML, KQL) indented, with a title. */
  code(title: string, text: string): void {
    this.line(pc.dim(`  ${title}`));
    for (const text_ of text.trimEnd().split('\n')) this.line(`  │ ${text_}`);
  }

  /** A line chart of one or more series (each point drawn `width` columns wide), with a legend. */
  chart(series: ChartSeries[], caption: string, width = 4): void {
    const values = series.map((s) => s.values.flatMap((value) => Array<number>(width).fill(value)));
    const max = Math.max(1, ...values.flat());
    const plotted = asciichart.plot(values, {
      height: 8,
      min: 0,
      max,
      colors: this.interactive ? series.map((_, index) => CHART_COLOURS[index % CHART_COLOURS.length]) : undefined,
      format: (value: number) => formatNumber(Math.round(value)).padStart(8),
    });
    for (const text of plotted.split('\n')) this.line(`  ${text}`);
    this.line(pc.dim(`  ${caption}`));
    const legend = series.map((s, index) => {
      const colour = this.interactive ? CHART_COLOURS[index % CHART_COLOURS.length] : '';
      return `${colour}${['━', '━', '━', '━', '━'][index % 5]}${this.interactive ? '\x1b[0m' : ''} ${s.name}`;
    });
    this.line(`  ${legend.join('   ')}`);
  }
}
