import cliProgress from 'cli-progress';
import { formatBytes, formatDuration, formatRate } from './format.js';

/**
 * A byte progress bar with speed and ETA on terminals (cli-progress); on pipes and in logs, a line every
 * half minute instead, so long unattended runs still show life without flooding the log.
 */
export class Progress {
  private readonly bar?: cliProgress.SingleBar;
  private readonly started = Date.now();
  private done = 0;
  private files = 0;
  private lastLine = Date.now();
  /** Recent (time, bytes) samples for a speed that follows the current rate, not the average. */
  private readonly samples: [number, number][] = [];

  constructor(private readonly label: string, private readonly totalBytes: number, private readonly totalFiles: number, private readonly mode: 'bar' | 'lines' | 'none') {
    if (mode === 'bar') {
      this.bar = new cliProgress.SingleBar({
        format: `${label} {bar} {percentage}% | {files} | {amount} | {speed} | ETA {eta}`,
        hideCursor: true, barsize: 24, stream: process.stderr, clearOnComplete: false,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(Math.max(totalBytes, 1), 0, this.payload());
    }
  }

  add(bytes: number): void {
    this.done += bytes;
    this.update();
  }

  fileDone(): void {
    this.files++;
    this.update();
  }

  stop(): void {
    this.bar?.update(Math.min(this.done, Math.max(this.totalBytes, 1)), this.payload());
    this.bar?.stop();
  }

  private update(): void {
    const now = Date.now();
    this.samples.push([now, this.done]);
    while (this.samples.length > 2 && now - (this.samples[0] as [number, number])[0] > 5000) this.samples.shift();
    if (this.bar) this.bar.update(Math.min(this.done, this.totalBytes), this.payload());
    else if (this.mode === 'lines' && now - this.lastLine >= 30_000) {
      this.lastLine = now;
      const p = this.payload();
      process.stderr.write(`${this.label}: ${p.files}, ${p.amount}, ${p.speed}, ETA ${p.eta}\n`);
    }
  }

  private payload(): Record<string, string> {
    const [t0, b0] = this.samples[0] ?? [this.started, 0];
    const elapsed = Date.now() - t0;
    const speed = elapsed > 0 ? ((this.done - b0) * 1000) / elapsed : 0;
    const left = this.totalBytes - this.done;
    return {
      files: `${this.files}/${this.totalFiles} files`,
      amount: `${formatBytes(this.done)}/${formatBytes(this.totalBytes)}`,
      speed: formatRate(this.done - b0, elapsed),
      eta: speed > 0 ? formatDuration((left * 1000) / speed) : '?',
    };
  }
}

/** Bars on a terminal unless turned off; occasional lines otherwise. */
export function progressMode(enabled: boolean): 'bar' | 'lines' | 'none' {
  if (!enabled) return 'none';
  return process.stderr.isTTY ? 'bar' : 'lines';
}
