import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { FileStore } from '../../archive/file-store.js';
import { scanResourceDir } from '../../archive/layout.js';
import type { PrearchiveStore } from '../../archive/prearchive-store.js';
import type { DB, Db } from '../../db/database.js';
import { withTransaction } from '../../db/transaction.js';
import type { Actor } from '../../domain/actor.js';
import { loginOf } from '../../domain/actor.js';
import { planArchive, type ExistingSession, type ScanFacts, type ScanStep } from '../../domain/archive-merge.js';
import type { Project, Resource } from '../../domain/entities.js';
import { AppError, conflict, forbidden, invalidInput } from '../../domain/errors.js';
import { checkLabel } from '../../domain/names.js';
import { prearchiveUri, type Overwrite, type PrearchiveFile, type PrearchiveScan, type PrearchiveSession } from '../../domain/prearchive.js';
import { findExperimentInProject, insertExperiment, type ExperimentListRow } from '../../repositories/experiment.repository.js';
import { insertCopiedFiles } from '../../repositories/copy.repository.js';
import {
  claimPrearchiveSession, deletePrearchiveSession, findPrearchiveSessionById, listPrearchiveFiles, listPrearchiveScans, updatePrearchiveSession,
} from '../../repositories/prearchive.repository.js';
import { insertResource, listFilesOfResources, listResourcesOfExperiment, refreshResourceStats, upsertFile } from '../../repositories/resource.repository.js';
import { insertScan, listScans } from '../../repositories/scan.repository.js';
import { findSubjectByLabelIgnoringCase, insertSubject } from '../../repositories/subject.repository.js';
import type { AccessService } from '../access.service.js';
import type { AccessionIds } from '../accession-ids.js';
import { audit } from '../audit.js';
import { KeyedMutex } from '../keyed-mutex.js';
import type { ResourceService } from '../resource.service.js';
import { DirChooser } from '../sharing/dir-chooser.js';
import { forEachLimited } from '../transfers/throttle.js';
import type { ReceivingSessions } from './receiving-sessions.js';
import type { SessionBuilder } from './session-builder.js';

export interface ArchiveRequest {
  /** Subject and session labels to archive under; default: the prearchive session's. */
  readonly subject?: string;
  readonly label?: string;
  readonly overwrite: Overwrite;
  readonly reason?: string;
}

export interface Archived {
  /** `/archive/projects/{P}/subjects/{S}/experiments/{E}` */
  readonly uri: string;
  readonly experimentId: string;
  readonly merged: boolean;
  readonly files: number;
  readonly bytes: number;
}

/** One file on its way from the prearchive into the archive. */
interface Move {
  readonly from: string;
  /** Final path relative to the archive root. */
  readonly to: string;
  /** Where it waits until the commit, when it replaces a stored file. */
  readonly waiting: string | null;
  readonly file: PrearchiveFile;
}

const DICOM_RESOURCE = { label: 'DICOM', format: 'DICOM', content: 'RAW' };

/**
 * Archives a built prearchive session, all or nothing: the files are linked (or copied) into new or
 * existing scan folders, read back and checked against the MD5s and sizes recorded at ingest, then
 * subject, session, scans, resources and file rows are written and the prearchive row removed in one
 * transaction. Until that commit nothing is visible in the archive and the session stays in the
 * prearchive with all its files; a failure removes what was placed and marks the session CONFLICT
 * (a rule said no) or ERROR (something broke), with the reason.
 */
export class Archiver {
  private readonly targets = new KeyedMutex();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: FileStore,
    private readonly prearchive: PrearchiveStore,
    private readonly receiving: ReceivingSessions,
    private readonly builder: SessionBuilder,
    private readonly access: AccessService,
    private readonly ids: AccessionIds,
    private readonly resources: ResourceService,
  ) {}

  async archive(actor: Actor, session: PrearchiveSession, request: ArchiveRequest): Promise<Archived> {
    if (!session.projectId) throw invalidInput('Cannot archive sessions from the Unassigned folder: move the session to a project first');
    const { project } = await this.access.requireProject(actor, session.projectId, 'create');
    const label = checkLabel('experiment label', request.label || session.label);
    const subjectLabel = checkLabel('subject label', request.subject || session.subject);
    let current = session;
    if (current.status === 'RECEIVING') current = await this.builder.build(current, { from: ['RECEIVING'] });
    return this.receiving.closeWhile(current, async () => {
      if (!(await claimPrearchiveSession(this.db, current.id, ['READY', 'CONFLICT', 'ERROR'], 'ARCHIVING'))) {
        const now = await findPrearchiveSessionById(this.db, current.id);
        if (!now) throw conflict(`Prearchive session ${current.folder} no longer exists`);
        throw new AppError('conflict', `Operation already in progress on this prearchive entry: it is ${now.status}`);
      }
      try {
        return await this.targets.run(`${project.id}\u0000${label.toLowerCase()}`, () => this.archiveClaimed(actor, project, current, label, subjectLabel, request));
      } catch (e) {
        const isRule = e instanceof AppError && (e.code === 'conflict' || e.code === 'forbidden' || e.code === 'invalid_input');
        await updatePrearchiveSession(this.db, current.id, { status: isRule ? 'CONFLICT' : 'ERROR', message: (e as Error).message }).catch(() => undefined);
        throw e;
      }
    });
  }

  private async archiveClaimed(actor: Actor, project: Project, session: PrearchiveSession, label: string, subjectLabel: string, request: ArchiveRequest): Promise<Archived> {
    const scans = await listPrearchiveScans(this.db, session.id);
    const files = await listPrearchiveFiles(this.db, session.id);
    if (files.length === 0) throw invalidInput(`Prearchive session ${session.folder} holds no DICOM files to archive`);
    const subject = await findSubjectByLabelIgnoringCase(this.db, project.id, subjectLabel);
    if (!subject && !project.allowSubjectCreation) {
      throw forbidden(`Project ${project.id} does not let uploads create subjects, and it has no subject ${subjectLabel}: create the subject first or ask an owner to allow it`);
    }
    const found = await findExperimentInProject(this.db, project.id, label, 'labelFirst');
    const existing = found ? await this.existingFacts(found) : undefined;
    const xsiType = session.xsiType ?? 'xnat:otherDicomSessionData';
    const byScan = groupFiles(files);
    const plan = planArchive(project.id, { label, xsiType, studyUid: session.studyUid, scans: scans.map((s) => ({ scanId: s.scanId, seriesUid: s.seriesUid, files: byScan.get(s.scanId) ?? [] })) },
      existing?.facts, subject?.item.id ?? '(a new subject)', request.overwrite);
    if (!plan.ok) throw conflict(plan.message);

    const sessionLabelOnDisk = existing?.label ?? label;
    const chooser = new DirChooser(this.db, this.store);
    const targets: { step: ScanStep; scan: PrearchiveScan; dir: string; resource: Resource | undefined; moves: Move[] }[] = [];
    for (const step of plan.steps) {
      const scan = scans.find((s) => s.scanId === step.from) as PrearchiveScan;
      const resource = step.kind === 'merge' ? existing?.dicomResources.get(step.to) : undefined;
      const dir = resource?.dir ?? (await chooser.choose(scanResourceDir(project.id, sessionLabelOnDisk, step.to, DICOM_RESOURCE.label)));
      const wanted = new Set([...step.add, ...step.replace]);
      const replacing = new Set(step.replace);
      const moves = (byScan.get(step.from) ?? []).filter((f) => wanted.has(f.name)).map((f) => ({
        from: this.prearchive.filePath(session, scan.folder, f.name),
        to: `${dir}/${f.name}`,
        waiting: replacing.has(f.name) ? `${dir}/.${f.name}.${crypto.randomUUID()}.incoming` : null,
        file: f,
      }));
      targets.push({ step, scan, dir, resource, moves });
    }
    const moves = targets.flatMap((t) => t.moves);
    try {
      await forEachLimited(moves, 8, (m) => this.place(m));
      await forEachLimited([...new Set(targets.filter((t) => t.moves.length > 0).map((t) => t.dir))], 8, (dir) => this.store.syncDir(dir));
    } catch (e) {
      await this.unplace(moves);
      throw e;
    }

    let experimentId = '';
    let touched: number[] = [];
    try {
      ({ experimentId, touched } = await withTransaction(this.db, async (trx) => {
        const subjectId = subject?.item.id ?? (await this.newSubject(trx, actor, project, subjectLabel));
        const expId = found?.item.id ?? (await this.newExperiment(trx, actor, project, session, subjectId, label, xsiType));
        const resourceIds: number[] = [];
        const scanPks = existing?.scanPks ?? new Map<string, number>();
        for (const t of targets) {
          let pk = scanPks.get(t.step.to);
          if (pk === undefined) pk = (await insertScan(trx, { experimentId: expId, scanId: t.step.to, xsiType: t.scan.xsiType, fields: { ...t.scan.fields } })).pk;
          if (t.moves.length === 0) continue;
          const resource = t.resource ?? (await insertResource(trx, { owner: { kind: 'scan', experimentId: expId, scanPk: pk }, ...DICOM_RESOURCE, description: '', tags: '', dir: t.dir }));
          const added = t.moves.filter((m) => m.waiting === null);
          await insertCopiedFiles(trx, resource.id, added.map((m) => dicomFile(m.file)), loginOf(actor));
          for (const m of t.moves.filter((x) => x.waiting !== null)) {
            await upsertFile(trx, { resourceId: resource.id, ...dicomFile(m.file), createdBy: loginOf(actor) });
          }
          await refreshResourceStats(trx, resource.id);
          resourceIds.push(resource.id);
        }
        await deletePrearchiveSession(trx, session.id);
        await audit(trx, actor, {
          action: 'archive', entityType: 'experiment', entityId: expId, projectId: project.id, label, reason: request.reason,
          details: {
            prearchive: prearchiveUri(session), studyInstanceUid: session.studyUid, merged: plan.merge, overwrite: request.overwrite,
            scans: targets.map((t) => ({ scan: t.step.to, from: t.step.from, kind: t.step.kind, added: t.step.add.length, replaced: t.step.replace.length, unchanged: t.step.same })),
            files: moves.length, bytes: moves.reduce((n, m) => n + m.file.size, 0), verified: true, source: session.source,
          },
        });
        return { experimentId: expId, touched: resourceIds };
      }));
    } catch (e) {
      await this.unplace(moves);
      throw e;
    }
    // Committed: replaced files take their place, catalogs follow, the prearchive copy goes.
    for (const m of moves) if (m.waiting) await fsp.rename(this.store.absolute(m.waiting), this.store.absolute(m.to));
    await forEachLimited(touched, 8, (id) => this.resources.writeCatalog(id));
    await this.prearchive.remove(session).catch(() => undefined);
    return {
      uri: `/archive/projects/${project.id}/subjects/${subject?.label ?? subjectLabel}/experiments/${existing?.label ?? label}`,
      experimentId, merged: plan.merge, files: moves.length, bytes: moves.reduce((n, m) => n + m.file.size, 0),
    };
  }

  /** Links (or copies) one file into the archive, then checks it against the ingest record (and makes it durable). */
  private async place(m: Move): Promise<void> {
    const relative = m.waiting ?? m.to;
    const placed = await this.store.adopt(m.from, relative, { links: true });
    // A copy is measured while written; a link shares the prearchive's bytes, read back (and flushed) here.
    const found = placed.method === 'copy' ? placed : await this.store.hash(relative, { sync: true });
    if (!found || found.size !== m.file.size || found.md5 !== m.file.md5) {
      throw new AppError('internal', `Verification failed for ${m.file.scanId}/${m.file.name}: expected ${m.file.size} bytes with MD5 ${m.file.md5}, found ${found ? `${found.size} bytes with MD5 ${found.md5}` : 'no file'}`);
    }
  }

  private async unplace(moves: readonly Move[]): Promise<void> {
    for (const m of moves) {
      // Only what this archive put there: a new name, or the waiting copy of a replacement.
      await fsp.rm(this.store.absolute(m.waiting ?? m.to), { force: true }).catch(() => undefined);
    }
  }

  /** What a merge needs to know of the session the project already has: its scans with their DICOM files. */
  private async existingFacts(found: ExperimentListRow) {
    const experimentId = found.item.id;
    const scans = await listScans(this.db, experimentId);
    const resources = (await listResourcesOfExperiment(this.db, experimentId)).filter((r) => r.owner.kind === 'scan' && r.label === DICOM_RESOURCE.label);
    const files = await listFilesOfResources(this.db, resources.map((r) => r.id));
    const scanIdOfPk = new Map(scans.map((s) => [s.pk, s.scanId]));
    const dicomResources = new Map<string, Resource>();
    for (const r of resources) if (r.owner.kind === 'scan') dicomResources.set(scanIdOfPk.get(r.owner.scanPk) ?? '', r);
    const facts: ScanFacts[] = scans.map((s) => {
      const r = dicomResources.get(s.scanId);
      return { scanId: s.scanId, seriesUid: s.fields.UID ?? '', files: r ? files.filter((f) => f.resourceId === r.id).map((f) => ({ name: f.path, size: f.size, md5: f.md5 })) : [] };
    });
    const existing: ExistingSession = {
      label: found.label, xsiType: found.item.xsiType, studyUid: found.item.fields.UID ?? '', subjectId: found.item.subjectId, subjectLabel: found.subjectLabel,
      isAssessor: found.item.imageSessionId !== null, isShared: found.isShared, ownerProject: found.item.projectId, scans: facts,
    };
    return { facts: existing, label: found.label, dicomResources, scanPks: new Map(scans.map((s) => [s.scanId, s.pk])) };
  }

  private async newSubject(trx: Db, actor: Actor, project: Project, label: string): Promise<string> {
    const id = await this.ids.next(trx, 'subject');
    await insertSubject(trx, { id, projectId: project.id, label, fields: {}, createdBy: loginOf(actor) });
    await audit(trx, actor, { action: 'create', entityType: 'subject', entityId: id, projectId: project.id, label, details: { by: 'archive' } });
    return id;
  }

  private async newExperiment(trx: Db, actor: Actor, project: Project, session: PrearchiveSession, subjectId: string, label: string, xsiType: string): Promise<string> {
    const id = await this.ids.next(trx, 'experiment');
    await insertExperiment(trx, {
      id, projectId: project.id, subjectId, label, xsiType, imageSessionId: null,
      fields: { ...session.fields, UID: session.studyUid }, createdBy: loginOf(actor),
    });
    return id;
  }
}

function groupFiles(files: readonly PrearchiveFile[]): Map<string, PrearchiveFile[]> {
  const out = new Map<string, PrearchiveFile[]>();
  for (const f of files) {
    const list = out.get(f.scanId);
    if (list) list.push(f);
    else out.set(f.scanId, [f]);
  }
  return out;
}

/** The archive row of a prearchive file: a raw DICOM file of the scan's DICOM resource. */
function dicomFile(f: PrearchiveFile) {
  return { path: f.name, size: f.size, md5: f.md5, format: 'DICOM', content: 'RAW', tags: '' };
}
