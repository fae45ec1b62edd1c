import type { Db } from '../db/database.js';
import type { DownloadCatalog } from '../domain/download-catalog.js';

/** An experiment's label as one project knows it (its own label, or the label it was shared under). */
export interface LabelInProject {
  readonly label: string;
  /** For assessors: the session they belong to. */
  readonly imageSessionId: string | null;
}

/** Labels of experiments in one project, falling back to the owner's label where the project has none. */
export async function experimentLabelsInProject(db: Db, projectId: string, ids: readonly string[]): Promise<Map<string, LabelInProject>> {
  const out = new Map<string, LabelInProject>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500) as string[];
    const rows = await db.selectFrom('experiment')
      .leftJoin('experiment_label as el', (j) => j.onRef('el.experiment_id', '=', 'experiment.id').on('el.project_id', '=', projectId))
      .select(['experiment.id', 'experiment.label', 'experiment.image_session_id', 'el.label as in_label'])
      .where('experiment.id', 'in', chunk)
      .execute();
    for (const r of rows) out.set(r.id, { label: r.in_label ?? r.label, imageSessionId: r.image_session_id });
  }
  return out;
}

export async function subjectLabelInProject(db: Db, projectId: string, subjectId: string): Promise<string | undefined> {
  const row = await db.selectFrom('subject')
    .leftJoin('subject_label as sl', (j) => j.onRef('sl.subject_id', '=', 'subject.id').on('sl.project_id', '=', projectId))
    .select(['subject.label', 'sl.label as in_label'])
    .where('subject.id', '=', subjectId)
    .executeTakeFirst();
  return row && (row.in_label ?? row.label);
}

// --- download catalogs ---

export async function insertDownloadCatalog(db: Db, login: string, catalog: DownloadCatalog, expiresAt: string): Promise<void> {
  await db.insertInto('download_catalog').values({
    id: catalog.id, login, body: JSON.stringify(catalog), created_at: new Date().toISOString(), expires_at: expiresAt,
  }).execute();
}

/** A catalog of this user that has not expired. */
export async function findDownloadCatalog(db: Db, login: string, id: string): Promise<DownloadCatalog | undefined> {
  const row = await db.selectFrom('download_catalog').select('body')
    .where('id', '=', id).where('login', '=', login).where('expires_at', '>', new Date().toISOString())
    .executeTakeFirst();
  return row && (JSON.parse(row.body) as DownloadCatalog);
}

export async function deleteExpiredDownloadCatalogs(db: Db): Promise<void> {
  await db.deleteFrom('download_catalog').where('expires_at', '<=', new Date().toISOString()).execute();
}
