import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.js';
import { SYSTEM, type Actor } from '../../domain/actor.js';
import { listQuietReceiving } from '../../repositories/prearchive.repository.js';
import { findUserByLogin } from '../../repositories/user.repository.js';
import type { IngestService } from './ingest.service.js';
import type { ReceivingSessions } from './receiving-sessions.js';

/**
 * Builds sessions that stopped receiving (C-STORE, gradual uploads): every few seconds, RECEIVING
 * sessions quiet for `quietMs` are built and, where the project or sender says so, archived, acting
 * as the user whose upload started them. Sessions whose sender commits them itself are left alone.
 * Survives restarts: a session left RECEIVING by a stopped server is built once quiet.
 */
export class QuietSessions {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly receiving: ReceivingSessions,
    private readonly ingest: IngestService,
    private readonly quietMs: number,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  start(): void {
    // Sessions this server receives are swept the moment they turn quiet; the round catches the rest
    // (sessions left RECEIVING by a restart, or filled by another server sharing the database).
    this.receiving.onQuiet(this.quietMs, () => this.kick());
    this.timer = setInterval(() => this.kick(), Math.max(1000, Math.min(10_000, this.quietMs)));
    this.timer.unref();
  }

  /** Sweeps now, or right after the sweep under way. */
  kick(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sweep().then(() => undefined, (e) => this.log('building quiet sessions failed', e)).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass (also called by tests). */
  async sweep(): Promise<number> {
    const before = new Date(Date.now() - this.quietMs).toISOString();
    let settled = 0;
    for (const session of await listQuietReceiving(this.db, before)) {
      if (session.preventAutoCommit || this.receiving.isBusy(session, this.quietMs)) continue;
      try {
        const outcome = await this.ingest.settle(await this.actorOf(session.createdBy), session);
        if (outcome.problem) this.log(`prearchive session ${session.projectKey}/${session.timestamp}/${session.folder} was not archived: ${outcome.problem.message}`);
        settled++;
      } catch (e) {
        this.log(`prearchive session ${session.projectKey}/${session.timestamp}/${session.folder} could not be built`, e);
      }
    }
    return settled;
  }

  private async actorOf(login: string): Promise<Actor> {
    const user = await findUserByLogin(this.db, login);
    return user && user.enabled ? { kind: 'user', userId: user.id, login: user.login, isAdmin: user.isAdmin } : SYSTEM;
  }
}
