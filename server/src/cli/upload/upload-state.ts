import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** What an earlier run achieved for one upload unit (a study, or an archive file). */
export interface UnitState {
  readonly status: 'uploaded' | 'verified';
  /** Session URIs the server answered with. */
  readonly uris: readonly string[];
  readonly instances: number;
  readonly at: string;
}

/**
 * Upload progress kept between runs, per (server, project, inputs), in the client config folder: a rerun
 * skips what was verified and only re-checks what was uploaded but not yet verified.
 */
export class UploadState {
  private constructor(private readonly file: string, private readonly units: Record<string, UnitState>) {}

  static async open(configDir: string, server: string, project: string, inputs: readonly string[]): Promise<UploadState> {
    const id = crypto.createHash('sha256').update(JSON.stringify([server, project, [...inputs].sort()])).digest('hex').slice(0, 24);
    const file = path.join(configDir, 'uploads', `${id}.json`);
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    return new UploadState(file, text ? ((JSON.parse(text) as { units?: Record<string, UnitState> }).units ?? {}) : {});
  }

  get(key: string): UnitState | undefined {
    return this.units[key];
  }

  async set(key: string, state: UnitState): Promise<void> {
    this.units[key] = state;
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${crypto.randomUUID()}.tmp`;
    await fs.writeFile(temp, JSON.stringify({ units: this.units }, null, 2), { mode: 0o600 });
    await fs.rename(temp, this.file);
  }

  async clear(): Promise<void> {
    for (const key of Object.keys(this.units)) delete this.units[key];
    await fs.rm(this.file, { force: true });
  }
}
