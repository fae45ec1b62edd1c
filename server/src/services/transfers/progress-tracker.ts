import type { TransferProgress } from '../../domain/transfer.js';

/**
 * Keeps a transfer's progress and writes it to the database at most twice a second, so clients
 * polling GET /xapi/transfers/{id} see it move without each file costing a write.
 */
export class ProgressTracker {
  private progress: { -readonly [K in keyof TransferProgress]: TransferProgress[K] };
  private lastSaved = 0;
  private saving: Promise<void> | undefined;

  constructor(start: TransferProgress, private readonly save: (p: TransferProgress) => Promise<void>, private readonly everyMs = 500) {
    this.progress = { ...start };
  }

  copied(bytes: number): void {
    this.progress.bytesCopied += bytes;
    this.changed();
  }

  verified(bytes: number): void {
    this.progress.bytesVerified += bytes;
    this.progress.filesDone++;
    this.changed();
  }

  experimentDone(): void {
    this.progress.experimentsDone++;
    this.changed();
  }

  snapshot(): TransferProgress {
    const p = this.progress;
    const work = 2 * p.bytesTotal;
    const percent = work > 0 ? Math.min(100, Math.floor((100 * (p.bytesCopied + p.bytesVerified)) / work)) : p.experimentsTotal > 0 ? Math.floor((100 * p.experimentsDone) / p.experimentsTotal) : 0;
    return { ...p, percent };
  }

  /** Writes the current figures now (at the end of each step). */
  async flush(): Promise<void> {
    await this.saving;
    this.lastSaved = Date.now();
    await this.save(this.snapshot());
  }

  private changed(): void {
    if (this.saving || Date.now() - this.lastSaved < this.everyMs) return;
    this.lastSaved = Date.now();
    this.saving = this.save(this.snapshot()).catch(() => undefined).finally(() => {
      this.saving = undefined;
    });
  }
}

export function initialProgress(totals: { experiments: number; files: number; bytes: number }): TransferProgress {
  return { experimentsDone: 0, experimentsTotal: totals.experiments, filesDone: 0, filesTotal: totals.files, bytesCopied: 0, bytesVerified: 0, bytesTotal: totals.bytes, percent: 0 };
}
