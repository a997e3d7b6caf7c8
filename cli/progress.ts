/** "ETA 1h02m", "ETA 3m05s", "ETA 12s" for the time left at `frac` done after `elapsedMs`; "" before any progress. */
export function etaText(elapsedMs: number, frac: number): string {
  if (!(frac > 0) || frac >= 1) return "";
  const left = Math.round((elapsedMs * (1 - frac)) / frac / 1000);
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  const two = (x: number) => String(x).padStart(2, "0");
  return `ETA ${h ? `${h}h${two(m)}m` : m ? `${m}m${two(s)}s` : `${s}s`}`;
}

/**
 * A progress bar on stderr with the elapsed time and an ETA (from the fraction done), shown only
 * when stderr is a TTY and the run has lasted > 2 s.
 */
export class Progress {
  private readonly start = Date.now();
  private last = 0;
  private shown = false;
  private readonly tty: boolean;

  constructor(private readonly label: string, stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY) && !process.env.CI;
    this.out = stream;
  }
  private readonly out: NodeJS.WriteStream;

  update(done: number, total: number, what = ""): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.start < 2000 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 28;
    const fill = Math.round(frac * width);
    const secs = ((now - this.start) / 1000).toFixed(1);
    const eta = etaText(now - this.start, frac);
    const line = `${this.label} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${secs}s${eta ? ` ${eta}` : ""} ${what}`;
    this.out.write(`\r${line.slice(0, (this.out.columns ?? 100) - 1).padEnd(Math.min(99, (this.out.columns ?? 100) - 1))}`);
  }

  /** Write a line to stderr without tearing the bar (clears it first; it redraws on the next update). */
  log(line: string): void {
    if (this.tty && this.shown) this.out.write("\r\x1b[2K");
    this.out.write(line.endsWith("\n") ? line : line + "\n");
    this.last = 0;
  }

  done(): void {
    if (this.tty && this.shown) this.out.write("\r\x1b[2K");
  }
}
