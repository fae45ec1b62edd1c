import type { Kysely } from 'kysely';
import type { PrearchiveStore } from '../../archive/prearchive-store.js';
import type { DB } from '../../db/database.js';
import { hasRight } from '../../domain/access.js';
import type { Actor } from '../../domain/actor.js';
import { AppError, conflict, forbidden, notFound } from '../../domain/errors.js';
import {
  ACTIONABLE, UNASSIGNED, parsePrearchiveUri, type PrearchiveAddress, type PrearchiveFile, type PrearchiveScan, type PrearchiveSession,
} from '../../domain/prearchive.js';
import {
  claimPrearchiveSession, deletePrearchiveSession, findPrearchiveSession, findPrearchiveSessionById, folderTaken, listPrearchiveFiles,
  listPrearchiveScans, listPrearchiveSessions, prearchiveCounts, updatePrearchiveSession,
} from '../../repositories/prearchive.repository.js';
import { findProject } from '../../repositories/project.repository.js';
import type { AccessService } from '../access.service.js';
import type { ArchiveRequest, Archived, Archiver } from './archiver.js';
import type { IngestService } from './ingest.service.js';
import type { SessionOutcome } from './ingest-request.js';
import type { ReceivingSessions } from './receiving-sessions.js';
import type { SessionBuilder } from './session-builder.js';

/**
 * The prearchive as people use it (xnat-api.md §8): list what waits, look at a session, and build,
 * rebuild, move, delete or archive it. Members and owners of a project work with its prearchive;
 * the Unassigned folder (data that routed to no project) is for site admins.
 */
export class PrearchiveService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly access: AccessService,
    private readonly store: PrearchiveStore,
    private readonly receiving: ReceivingSessions,
    private readonly builder: SessionBuilder,
    private readonly archiver: Archiver,
    private readonly ingest: IngestService,
  ) {}

  /** Sessions in the named projects, or in every project the actor may upload to (site admins: all, Unassigned too). */
  async list(actor: Actor, projects: readonly string[] | undefined, filter: { studyUid?: string } = {}): Promise<PrearchiveSession[]> {
    if (projects === undefined) {
      if (isAdmin(actor)) return listPrearchiveSessions(this.db, undefined, filter);
      const roles = await this.access.rolesOf(actor);
      const keys = [...roles.entries()].filter(([, role]) => role === 'owner' || role === 'member').map(([id]) => id);
      return listPrearchiveSessions(this.db, keys, filter);
    }
    const keys: string[] = [];
    for (const p of projects) keys.push(await this.projectKey(actor, p));
    return listPrearchiveSessions(this.db, keys, filter);
  }

  async get(actor: Actor, address: PrearchiveAddress): Promise<PrearchiveSession> {
    const projectKey = await this.projectKey(actor, address.projectKey);
    const session = await findPrearchiveSession(this.db, { ...address, projectKey });
    if (!session) throw notFound(`No prearchive session ${address.projectKey}/${address.timestamp}/${address.folder}`);
    return session;
  }

  async getByUri(actor: Actor, src: string): Promise<PrearchiveSession> {
    return this.get(actor, parsePrearchiveUri(src));
  }

  /** Scans, files and bytes of each session (built ones; RECEIVING sessions have none yet). */
  counts(sessions: readonly PrearchiveSession[]): Promise<Map<number, { scans: number; files: number; bytes: number }>> {
    return prearchiveCounts(this.db, sessions.map((s) => s.id));
  }

  scans(session: PrearchiveSession): Promise<PrearchiveScan[]> {
    return listPrearchiveScans(this.db, session.id);
  }

  files(session: PrearchiveSession, scanId?: string): Promise<PrearchiveFile[]> {
    return listPrearchiveFiles(this.db, session.id, scanId);
  }

  filePath(session: PrearchiveSession, scan: PrearchiveScan, name: string): string {
    return this.store.filePath(session, scan.folder, name);
  }

  /** Builds a session (after get(), which checked the actor's rights). */
  async build(session: PrearchiveSession): Promise<PrearchiveSession> {
    return this.builder.build(session);
  }

  /** Reads every file of the session again (headers, sizes, MD5s) and rebuilds it. */
  async rebuild(session: PrearchiveSession): Promise<PrearchiveSession> {
    return this.builder.build(session, { fromDisk: true, from: ACTIONABLE });
  }

  /** Builds, then archives when the session or its project says so (XNAT's action=commit). */
  async commit(actor: Actor, session: PrearchiveSession): Promise<SessionOutcome> {
    return this.ingest.settle(actor, session);
  }

  async archive(actor: Actor, session: PrearchiveSession, request: ArchiveRequest): Promise<Archived> {
    return this.archiver.archive(actor, session, request);
  }

  /** Moves a session to another project's prearchive, then rebuilds it there (its conflicts may differ). */
  async move(actor: Actor, session: PrearchiveSession, newProject: string): Promise<PrearchiveSession> {
    const { project } = await this.access.requireProject(actor, newProject, 'create');
    if (project.id === session.projectId) return session;
    const moved = await this.receiving.closeWhile(session, async () => {
      if (!(await claimPrearchiveSession(this.db, session.id, ACTIONABLE, 'MOVING'))) throw busy(session);
      try {
        let folder = session.folder;
        for (let n = 1; await folderTaken(this.db, project.id, session.timestamp, folder); n++) folder = `${session.folder}_${n}`;
        const to = { projectKey: project.id, timestamp: session.timestamp, folder };
        await this.store.move(session, to);
        await updatePrearchiveSession(this.db, session.id, { projectKey: project.id, projectId: project.id, status: 'RECEIVING', message: null, touch: true });
      } catch (e) {
        await updatePrearchiveSession(this.db, session.id, { status: 'ERROR', message: `Moving failed: ${(e as Error).message}` }).catch(() => undefined);
        throw e;
      }
      return (await findPrearchiveSessionById(this.db, session.id)) as PrearchiveSession;
    });
    return this.builder.build(moved, { from: ['RECEIVING'] });
  }

  async delete(actor: Actor, session: PrearchiveSession): Promise<void> {
    await this.receiving.closeWhile(session, async () => {
      if (!(await claimPrearchiveSession(this.db, session.id, ACTIONABLE, 'DELETING'))) throw busy(session);
      await deletePrearchiveSession(this.db, session.id);
    });
    await this.store.remove(session);
  }

  /** The project key of a prearchive folder the actor may work in: members and owners; Unassigned for admins. */
  private async projectKey(actor: Actor, key: string): Promise<string> {
    if (key.toLowerCase() === UNASSIGNED.toLowerCase()) {
      if (!isAdmin(actor)) throw forbidden('Only site administrators can see the Unassigned prearchive');
      return UNASSIGNED;
    }
    const project = await findProject(this.db, key);
    if (!project) throw notFound(`Unable to identify project: ${key}`);
    const access = await this.access.accessTo(actor, project);
    if (!hasRight(access, 'see')) throw notFound(`Unable to identify project: ${key}`);
    if (!hasRight(access, 'create')) throw forbidden(`You cannot see the prearchive of project ${project.id}: it needs Member or Owner rights`);
    return project.id;
  }
}

function isAdmin(actor: Actor): boolean {
  return actor.kind === 'user' && actor.isAdmin;
}

function busy(session: PrearchiveSession): AppError {
  return conflict(`Operation already in progress on this prearchive entry (${session.folder})`);
}
