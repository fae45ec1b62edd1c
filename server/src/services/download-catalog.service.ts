import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { loginOf, type Actor } from '../domain/actor.js';
import {
  catalogScanFolder, entryFolder, optionsDescription, type CatalogEntry, type CatalogEntrySet, type CatalogSession, type DownloadCatalog,
  type DownloadRequest, type EntryTarget, type SessionKey,
} from '../domain/download-catalog.js';
import type { Resource, Scan } from '../domain/entities.js';
import { notFound } from '../domain/errors.js';
import { deleteExpiredDownloadCatalogs, findDownloadCatalog, insertDownloadCatalog } from '../repositories/download.repository.js';
import { listResourcesOfExperiment } from '../repositories/resource.repository.js';
import { listScans } from '../repositories/scan.repository.js';
import { describeFile, type DownloadPlan, type PlannedFile } from './download.service.js';
import type { ExperimentService } from './experiment.service.js';
import type { LocatedExperiment } from './locator.js';
import type { FileInResource, ResourceService } from './resource.service.js';

/** How long a built catalog can be fetched (XNAT keeps them in the user's cache folder). */
const CATALOG_LIFETIME_MS = 7 * 24 * 3_600_000;

/**
 * Multi-session downloads (xnat-api.md §9.3): a catalog of resource folders is built once, with access
 * checked per session in the project named for it (so data shared into a project is downloadable from
 * there), stored for its owner, and fetched as XML or streamed as one zip. Access is checked again when
 * the zip is built: a catalog does not outlive the rights it was built with.
 */
export class DownloadCatalogService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly experiments: ExperimentService,
    private readonly resources: ResourceService,
  ) {}

  async create(actor: Actor, request: DownloadRequest): Promise<{ catalog: DownloadCatalog; size: number }> {
    const sessions: CatalogSession[] = [];
    for (const key of request.sessions) {
      const located = await this.experiments.get(actor, { project: key.project, experiment: key.experimentId });
      sessions.push(await this.sessionSet(actor, key, located, request));
    }
    const size = sessions.flatMap((s) => s.sets).flatMap((set) => set.entries).reduce((n, e) => n + e.size, 0);
    const login = loginOf(actor);
    await deleteExpiredDownloadCatalogs(this.db);
    const expires = new Date(Date.now() + CATALOG_LIFETIME_MS).toISOString();
    const stamp = timestamp(new Date());
    for (let attempt = 0; ; attempt++) {
      const catalog: DownloadCatalog = { id: `${login}-${stamp}${attempt ? `_${attempt}` : ''}`, description: optionsDescription(request.options), sessions };
      try {
        await insertDownloadCatalog(this.db, login, catalog, expires);
        return { catalog, size };
      } catch (e) {
        if (!isUniqueViolation(e) || attempt > 20) throw e;
      }
    }
  }

  /** A catalog the actor built; other users' catalogs are not found. */
  async get(actor: Actor, id: string): Promise<DownloadCatalog> {
    const catalog = await findDownloadCatalog(this.db, loginOf(actor), id);
    if (!catalog) throw notFound(`No download catalog ${id} for user ${loginOf(actor)} (catalogs expire after 7 days)`);
    return catalog;
  }

  /** Every file of a catalog, read access checked again per session. Zip paths are `{entry name}/{file path}`. */
  async plan(actor: Actor, catalog: DownloadCatalog): Promise<DownloadPlan> {
    const files: PlannedFile[] = [];
    for (const session of catalog.sessions) {
      const entries = session.sets.flatMap((s) => s.entries);
      const first = entries[0];
      if (!first) continue;
      const located = await this.experiments.get(actor, { project: first.target.project, experiment: session.experimentId });
      for (const { entry, resource, items } of await this.entryFiles(session.experimentId, entries)) {
        const base = `/data${entryParent(entry.target)}/resources/${resource.id}/files/`;
        for (const item of items) {
          files.push({
            name: `${entry.name}/${item.file.path}`, relativePath: `${resource.dir}/${item.file.path}`, size: item.file.size, md5: item.file.md5,
            mtime: new Date(item.file.createdAt), describe: describeFile(item, `folder ${entry.name} of session ${located.label}`), item,
            link: base + item.file.path.split('/').map(encodeURIComponent).join('/'), group: { id: session.experimentId, description: session.description },
          });
        }
      }
    }
    return { name: catalog.id, files };
  }

  private async sessionSet(actor: Actor, key: SessionKey, located: LocatedExperiment, request: DownloadRequest): Promise<CatalogSession> {
    const project = located.grant.project.id;
    const subject = located.subjectLabel || key.subject;
    const description = `Project: ${project}, subject: ${subject}, label: ${located.label}`;
    const id = located.item.id;
    const own = await listResourcesOfExperiment(this.db, id);
    const folder = (pairs: [string, string][]) => entryFolder(request.options, { project, subject }, located.label, pairs);
    const entry = (target: EntryTarget, uri: string, name: string, r: Resource): CatalogEntry => ({ uri, name, target, size: r.totalSize });
    const sets: CatalogEntrySet[] = [];

    const scans = (await listScans(this.db, id)).filter((s) => matches(request.scanTypes, s.fields.type));
    const byPk = new Map<number, Scan>(scans.map((s) => [s.pk, s]));
    const raw = own.filter((r) => r.owner.kind === 'scan' && byPk.has(r.owner.scanPk) && matches(request.scanFormats, r.label))
      .map((r) => {
        const scan = byPk.get((r.owner as { scanPk: number }).scanPk) as Scan;
        const scanFolder = request.options.simplified ? scan.scanId : catalogScanFolder(scan.scanId, scan.fields.type ?? '');
        return entry({ kind: 'scan', project, experimentId: id, scanId: scan.scanId, resource: r.label },
          `/archive/experiments/${id}/scans/${scan.scanId}/resources/${r.label}/files`, folder([['scans', scanFolder], ['resources', r.label]]), r);
      })
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    if (raw.length > 0) sets.push({ id: 'RAW', description: `${description} RAW`, entries: raw });

    const wanted = request.resources ?? [];
    const resources = own.filter((r) => r.owner.kind === 'experiment' && wanted.includes(r.label))
      .map((r) => entry({ kind: 'resource', project, experimentId: id, resource: r.label }, `/archive/experiments/${id}/resources/${r.label}/files`, folder([['resources', r.label]]), r));
    if (resources.length > 0) sets.push({ id: 'RESOURCES', description: `${description} RESOURCES`, entries: resources });

    if (request.assessors && request.assessors.length > 0) {
      const assessors = (await this.experiments.listAssessors(actor, { project, experiment: id }, { limit: 100_000 })).rows
        .filter((a) => request.assessors?.includes(a.item.xsiType));
      const entries: CatalogEntry[] = [];
      for (const a of assessors) {
        for (const r of (await listResourcesOfExperiment(this.db, a.item.id)).filter((x) => x.owner.kind === 'experiment')) {
          entries.push(entry({ kind: 'assessor', project, experimentId: id, assessorId: a.item.id, resource: r.label },
            `/archive/experiments/${id}/assessors/${a.item.id}/out/resources/${r.label}/files`, folder([['assessors', a.label], ['resources', r.label]]), r));
        }
      }
      if (entries.length > 0) sets.push({ id: 'ASSESSORS', description: `${description} ASSESSORS`, entries });
    }
    return { experimentId: id, description, sets };
  }

  /**
   * The files of each entry of a session, read in one query; entries whose resource was deleted since the
   * catalog was built are left out.
   */
  private async entryFiles(experimentId: string, entries: readonly CatalogEntry[]): Promise<{ entry: CatalogEntry; resource: Resource; items: FileInResource[] }[]> {
    const index = await this.resourceIndex(experimentId, entries);
    const found = entries.flatMap((entry) => {
      const resource = index.get(targetKey(entry.target));
      return resource ? [{ entry, resource }] : [];
    });
    const byResource = new Map<number, FileInResource[]>();
    for (const item of await this.resources.filesOf([...new Map(found.map((f) => [f.resource.id, f.resource])).values()])) {
      const list = byResource.get(item.resource.id);
      if (list) list.push(item);
      else byResource.set(item.resource.id, [item]);
    }
    return found.map((f) => ({ ...f, items: byResource.get(f.resource.id) ?? [] }));
  }

  /** The resources a session's entries point at, keyed like targetKey(). */
  private async resourceIndex(experimentId: string, entries: readonly CatalogEntry[]): Promise<Map<string, Resource>> {
    const index = new Map<string, Resource>();
    const scans = new Map((await listScans(this.db, experimentId)).map((s) => [s.pk, s.scanId]));
    for (const r of await listResourcesOfExperiment(this.db, experimentId)) {
      if (r.owner.kind === 'scan') index.set(`scan:${scans.get(r.owner.scanPk)}:${r.label}`, r);
      else index.set(`resource:${r.label}`, r);
    }
    for (const assessorId of new Set(entries.flatMap((e) => (e.target.kind === 'assessor' ? [e.target.assessorId] : [])))) {
      for (const r of await listResourcesOfExperiment(this.db, assessorId)) {
        if (r.owner.kind === 'experiment') index.set(`assessor:${assessorId}:${r.label}`, r);
      }
    }
    return index;
  }
}

/** The `/data` path of what an entry's resource hangs from. */
function entryParent(t: EntryTarget): string {
  switch (t.kind) {
    case 'scan': return `/experiments/${t.experimentId}/scans/${encodeURIComponent(t.scanId)}`;
    case 'resource': return `/experiments/${t.experimentId}`;
    case 'assessor': return `/experiments/${t.experimentId}/assessors/${t.assessorId}`;
  }
}

function targetKey(t: EntryTarget): string {
  switch (t.kind) {
    case 'scan': return `scan:${t.scanId}:${t.resource}`;
    case 'resource': return `resource:${t.resource}`;
    case 'assessor': return `assessor:${t.assessorId}:${t.resource}`;
  }
}

/** An absent filter takes everything; `null` in a filter matches an empty value. */
function matches(filter: readonly (string | null)[] | undefined, value: string | undefined): boolean {
  if (filter === undefined) return true;
  return filter.some((f) => (f === null || f === 'NULL' ? !value : f === value));
}

/** XNAT's prearchive-style timestamp, yyyyMMdd_HHmmssSSS (UTC). */
function timestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${p(d.getUTCMilliseconds(), 3)}`;
}
