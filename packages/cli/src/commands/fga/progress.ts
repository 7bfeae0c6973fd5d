/**
 * Import progress on stderr: a redrawn bar on a terminal, otherwise a line at every tenth of the
 * work (and at least every 10 s), so logs of a long import stay readable.
 */
export class Progress {
  readonly #total: number;
  readonly #out: NodeJS.WriteStream;
  readonly #started = Date.now();
  readonly #from: number;
  #lastDraw = 0;
  #lastTenth = -1;

  constructor(total: number, from: number, out: NodeJS.WriteStream = process.stderr) {
    this.#total = total;
    this.#from = from;
    this.#out = out;
    this.#lastTenth = total > 0 ? Math.floor((from / total) * 10) : 10;
  }

  update(done: number): void {
    const now = Date.now();
    const fraction = this.#total > 0 ? done / this.#total : 1;
    const rate = Math.round((done - this.#from) / Math.max(0.001, (now - this.#started) / 1000));
    const counts = `${done.toLocaleString('en-US')}/${this.#total.toLocaleString('en-US')} tuples`;
    if (this.#out.isTTY) {
      if (now - this.#lastDraw < 100 && done < this.#total) return;
      this.#lastDraw = now;
      const width = 30;
      const filled = Math.round(fraction * width);
      this.#out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${counts} ${rate}/s `);
      return;
    }
    const tenth = Math.floor(fraction * 10);
    if (tenth > this.#lastTenth || now - this.#lastDraw >= 10_000) {
      this.#lastTenth = tenth;
      this.#lastDraw = now;
      this.#out.write(`imported ${counts} (${Math.floor(fraction * 100)}%, ${rate}/s)\n`);
    }
  }

  /** Ends the bar's line on a terminal. */
  end(): void {
    if (this.#out.isTTY) this.#out.write('\n');
  }
}
