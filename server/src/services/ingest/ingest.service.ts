import type { Kysely } from 'kysely';
import { walkArchive, type ArchiveKind, type ArchiveLimits } from '../../archive/archive-reader.js';
import type { IncomingFile, PrearchiveStore } from '../../archive/prearchive-store.js';
import type { DB } from '../../db/database.js';
import { parseDicomHeader, readDicomHeader, type DicomHeader } from '../../dicom/dicom-header.js';
import type { Actor } from '../../domain/actor.js';
import { loginOf } from '../../domain/actor.js';
import type { Project } from '../../domain/entities.js';
import { AppError, invalidInput } from '../../domain/errors.js';
import { decisionOfCode, prearchiveUri, type ArchiveDecision, type Overwrite, type PrearchiveSession } from '../../domain/prearchive.js';
import { findProject } from '../../repositories/project.repository.js';
import type { AccessService } from '../access.service.js';
import type { AnonymizationService } from './anonymization.service.js';
import type { Archiver } from './archiver.js';
import type { IngestInput, IngestOptions, IngestOutcome, SessionOutcome } from './ingest-request.js';
import { InstanceRouter, type Route } from './instance-router.js';
import { instanceFileName, receivedFile } from '../../domain/session-building.js';
import type { ReceivingSessions } from './receiving-sessions.js';
import type { RoutingRulesService } from './routing-rules.service.js';
import type { SessionBuilder } from './session-builder.js';

/** At most this many unparsable names are quoted in a refusal. */
const QUOTED = 20;
/** How long a sender's routing answers (projects, rules, rights) are reused for single instances. */
const ROUTER_TTL_MS = 5000;

interface Parsed {
  readonly name: string;
  readonly file: IncomingFile;
  /** Kept for the first entries of an upload only (bounded memory); the rest are read again when filed. */
  readonly header: DicomHeader | undefined;
}

/** Bytes of each unpacked entry kept to read its header from (most headers are far shorter; longer ones are read from the file). */
const KEPT_HEAD_BYTES = 64 * 1024;
/** Zip entries unpacked at once (small files are dominated by per-file latency). */
const UNPACK_CONCURRENCY = 8;
/** Headers kept in memory between checking an upload and filing it (about 10 KB each). */
const KEPT_HEADERS = 10_000;

/**
 * The one way DICOM comes in. An archive (zip, tar, tar.gz) is checked entry by entry before anything
 * is written, unpacked into the prearchive's incoming area and every header read; unparsable entries
 * refuse the whole upload (or are skipped when asked); then each instance is routed to its project,
 * subject and session, anonymized, and filed into its prearchive session. Sessions of an upload are
 * built at once and archived when the upload or the project says so. A single instance (gradual
 * upload or C-STORE) joins its session, which is built once it has been quiet for a while.
 */
export class IngestService {
  private readonly routers = new Map<string, { router: Promise<InstanceRouter>; at: number }>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly access: AccessService,
    private readonly store: PrearchiveStore,
    private readonly receiving: ReceivingSessions,
    private readonly builder: SessionBuilder,
    private readonly archiver: Archiver,
    private readonly rules: RoutingRulesService,
    private readonly anonymizer: AnonymizationService,
    private readonly limits: ArchiveLimits,
  ) {}

  async ingest(actor: Actor, input: IngestInput, options: IngestOptions): Promise<IngestOutcome> {
    if (input.kind === 'instance') {
      let router: InstanceRouter;
      try {
        router = await this.routerFor(actor, options.project);
      } catch (e) {
        await this.store.discard(input.file);
        throw e;
      }
      const outcome = await this.receiveOne(actor, router, input, options);
      return { sessions: [outcome], skipped: [] };
    }
    const router = await this.newRouter(actor, options.project);
    const { parsed, skipped } = await this.unpack(input.file, input.format, options);
    const touched = new Map<number, PrearchiveSession>();
    try {
      while (parsed.length > 0) {
        const p = parsed.shift() as Parsed;
        const session = await this.file(actor, router, p, options);
        // The upload builds its sessions itself: the quiet-period builder leaves them alone meanwhile.
        if (!touched.has(session.id)) this.receiving.hold(session.id);
        touched.set(session.id, session);
      }
      const sessions: SessionOutcome[] = [];
      for (const session of touched.values()) sessions.push(await this.finish(actor, session, options));
      return { sessions, skipped };
    } finally {
      for (const p of parsed) await this.store.discard(p.file.path);
      for (const id of touched.keys()) this.receiving.release(id);
    }
  }

  private async newRouter(actor: Actor, project: string | undefined): Promise<InstanceRouter> {
    const explicit = project ? (await this.access.requireProject(actor, project, 'create')).project : undefined;
    return new InstanceRouter(this.db, this.access, this.rules, actor, explicit);
  }

  /** Single instances arrive by the thousand: one sender's routing answers are reused for a few seconds. */
  private async routerFor(actor: Actor, project: string | undefined): Promise<InstanceRouter> {
    const key = `${loginOf(actor)}\u0000${project ?? ''}`;
    const now = Date.now();
    let entry = this.routers.get(key);
    if (!entry || now - entry.at > ROUTER_TTL_MS) {
      entry = { router: this.newRouter(actor, project), at: now };
      this.routers.set(key, entry);
      entry.router.catch(() => this.routers.delete(key));
      for (const [k, e] of this.routers) if (now - e.at > ROUTER_TTL_MS) this.routers.delete(k);
    }
    return entry.router;
  }

  /** Builds a session that stopped receiving and archives it when it should be (the quiet-period path). */
  async settle(actor: Actor, session: PrearchiveSession): Promise<SessionOutcome> {
    return this.finish(actor, session, undefined);
  }

  private async receiveOne(actor: Actor, router: InstanceRouter, input: Extract<IngestInput, { kind: 'instance' }>, options: IngestOptions): Promise<SessionOutcome> {
    let header: DicomHeader | undefined;
    try {
      header = input.bytes ? parseDicomHeader(input.bytes) : await readDicomHeader(input.file);
    } catch {
      header = undefined;
    }
    if (!header) {
      await this.store.discard(input.file);
      throw invalidInput(`${input.name} is not a DICOM file (or its header cannot be read)`);
    }
    const file = input.size !== undefined && input.md5 !== undefined ? { path: input.file, size: input.size, md5: input.md5 } : await this.store.measure(input.file);
    const session = await this.file(actor, router, { name: input.name, file, header }, options);
    return { uri: prearchiveUri(session), archived: false };
  }

  /** Checks the archive, then unpacks it into the incoming area and reads every header. */
  private async unpack(archive: string, format: ArchiveKind, options: IngestOptions): Promise<{ parsed: Parsed[]; skipped: string[] }> {
    await walkArchive(archive, format, this.limits);
    const parsed: Parsed[] = [];
    const unparsable: string[] = [];
    try {
      await walkArchive(archive, format, this.limits, async (entry, content) => {
        const file = await this.store.receive(content, this.limits.maxEntryBytes, KEPT_HEAD_BYTES);
        let header: DicomHeader | undefined;
        try {
          // The header is read from the first bytes kept while writing; a longer one from the file.
          header = (file.head && parseDicomHeader(file.head)) || (file.size > KEPT_HEAD_BYTES ? await readDicomHeader(file.path) : undefined);
        } catch {
          header = undefined;
        }
        if (!header || !header.studyInstanceUid || !header.sopInstanceUid) {
          unparsable.push(entry.path);
          await this.store.discard(file.path);
          return;
        }
        // Only the header's values stay in memory, not the kept bytes.
        parsed.push({ name: entry.path, file: { path: file.path, size: file.size, md5: file.md5 }, header: parsed.length < KEPT_HEADERS ? header : undefined });
      }, { concurrency: UNPACK_CONCURRENCY });
    } catch (e) {
      for (const p of parsed) await this.store.discard(p.file.path);
      throw e;
    }
    if (unparsable.length > 0 && !options.ignoreUnparsable) {
      for (const p of parsed) await this.store.discard(p.file.path);
      const quoted = unparsable.slice(0, QUOTED).join(', ') + (unparsable.length > QUOTED ? `, and ${unparsable.length - QUOTED} more` : '');
      throw invalidInput(`${unparsable.length} file(s) in the upload are not DICOM (or lack a StudyInstanceUID or SOPInstanceUID): ${quoted}. Send Ignore-Unparsable=true to skip them.`, { unparsable });
    }
    if (parsed.length === 0) throw invalidInput(unparsable.length > 0 ? `The upload holds no DICOM files (${unparsable.length} other file(s) skipped)` : 'The upload holds no files');
    return { parsed, skipped: unparsable };
  }

  /** Routes one instance, applies the anonymization scripts, and files it into its prearchive session. */
  private async file(actor: Actor, router: InstanceRouter, p: Parsed, options: IngestOptions): Promise<PrearchiveSession> {
    const header = p.header ?? (await readDicomHeader(p.file.path));
    if (!header || !header.studyInstanceUid || !header.sopInstanceUid) {
      await this.store.discard(p.file.path);
      throw invalidInput(`${p.name} lacks a StudyInstanceUID or SOPInstanceUID`);
    }
    let route: Route;
    try {
      route = await router.route(header, options);
    } catch (e) {
      await this.store.discard(p.file.path);
      throw e;
    }
    let file = p.file;
    if (!options.preventAnon) {
      const out = this.store.incomingPath();
      try {
        if (await this.anonymizer.apply(file.path, out, { project: route.project?.id ?? '', subject: route.subject, session: route.session })) {
          await this.store.discard(file.path);
          file = await this.store.measure(out);
        }
      } catch (e) {
        await this.store.discard(out);
        await this.store.discard(file.path);
        throw e instanceof AppError ? e : new AppError('internal', `Anonymization failed for ${p.name}: ${(e as Error).message}`);
      }
    }
    const decision = decisionOf(options, route);
    const name = instanceFileName(header.sopInstanceUid);
    return this.receiving.add(route.projectKey, route.project?.id ?? null, header.studyInstanceUid, route.session, {
      subject: route.subject, autoArchive: decision, source: options.source, preventAnon: options.preventAnon,
      preventAutoCommit: options.preventAutoCommit, createdBy: loginOf(actor),
    }, header.seriesInstanceUid, header.seriesNumber, async (session, scan) => {
      await this.store.place(file.path, session, scan, name);
      return receivedFile(header, { scan, name, size: file.size, md5: file.md5 });
    });
  }

  /** Builds a session and archives it when the upload or its project says so. */
  private async finish(actor: Actor, session: PrearchiveSession, options: IngestOptions | undefined): Promise<SessionOutcome> {
    const built = await this.builder.build(session, { from: ['RECEIVING', 'READY', 'CONFLICT', 'ERROR'] });
    const project = built.projectId ? await findProject(this.db, built.projectId) : undefined;
    const plan = archivePlan(built, project, options);
    if (!plan || built.status === 'ERROR') return { uri: prearchiveUri(built), archived: false };
    try {
      const archived = await this.archiver.archive(actor, built, { overwrite: plan.overwrite, reason: 'auto-archive' });
      return { uri: archived.uri, archived: true };
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      return { uri: prearchiveUri(built), archived: false, problem: { status: e.code === 'internal' ? 'ERROR' : 'CONFLICT', message: e.message } };
    }
  }
}

/** What an instance's session should do once built, as far as the sender and the headers said. */
function decisionOf(options: IngestOptions, route: Route): ArchiveDecision | null {
  if (options.destination === 'archive') return options.overwrite === 'delete' ? 'AutoArchiveOverwrite' : 'AutoArchive';
  if (options.destination === 'prearchive') return 'Manual';
  const hint = options.autoArchive ?? route.autoArchive;
  if (hint === true) return options.overwrite === 'delete' ? 'AutoArchiveOverwrite' : 'AutoArchive';
  if (hint === false) return 'Manual';
  return null;
}

/** Whether a built session is archived now, and how (xnat-api.md §8.4). */
export function archivePlan(session: PrearchiveSession, project: Project | undefined, options: IngestOptions | undefined): { overwrite: Overwrite } | undefined {
  if (!project) return undefined;
  const decision = session.autoArchive ?? decisionOfCode(project.prearchiveCode);
  if (decision === 'Manual') return undefined;
  const fallback: Overwrite = decision === 'AutoArchiveOverwrite' ? 'delete' : options?.destination === 'archive' ? 'none' : 'append';
  return { overwrite: options?.overwrite ?? fallback };
}
