import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { ScanTable } from '../db/tables/scan.table.js';
import { SCAN_FIELDS } from '../domain/fields.js';
import type { FieldValues, Scan } from '../domain/entities.js';
import type { FieldChanges } from '../domain/field-values.js';
import { columnsFromFields, fieldsFromRow, now } from './field-columns.js';

const toScan = (r: Selectable<ScanTable>): Scan => ({
  pk: r.id, experimentId: r.experiment_id, scanId: r.scan_id, xsiType: r.xsi_type,
  fields: fieldsFromRow(SCAN_FIELDS, r), createdAt: r.created_at, updatedAt: r.updated_at,
});

export async function findScan(db: Db, experimentId: string, scanId: string): Promise<Scan | undefined> {
  const row = await db.selectFrom('scan').selectAll().where('experiment_id', '=', experimentId).where('scan_id', '=', scanId).executeTakeFirst();
  return row && toScan(row);
}

export async function findScanByPk(db: Db, pk: number): Promise<Scan | undefined> {
  const row = await db.selectFrom('scan').selectAll().where('id', '=', pk).executeTakeFirst();
  return row && toScan(row);
}

/** Scans of a session in scan-ID order (numeric IDs sort numerically). */
export async function listScans(db: Db, experimentId: string): Promise<Scan[]> {
  const rows = await db.selectFrom('scan').selectAll().where('experiment_id', '=', experimentId).execute();
  return rows.map(toScan).sort(compareScanIds);
}

export function compareScanIds(a: Scan, b: Scan): number {
  return a.scanId.localeCompare(b.scanId, 'en', { numeric: true });
}

const EMPTY_FIELDS = Object.fromEntries(SCAN_FIELDS.map((d) => [d.column, null])) as Record<string, null>;

export async function insertScan(db: Db, s: { experimentId: string; scanId: string; xsiType: string; fields: FieldValues }): Promise<Scan> {
  const at = now();
  const row = await db.insertInto('scan').values({
    ...EMPTY_FIELDS, ...columnsFromFields(SCAN_FIELDS, s.fields),
    experiment_id: s.experimentId, scan_id: s.scanId, xsi_type: s.xsiType, created_at: at, updated_at: at,
  } as never).returningAll().executeTakeFirstOrThrow();
  return toScan(row);
}

export async function updateScanFields(db: Db, pk: number, changes: FieldChanges): Promise<void> {
  await db.updateTable('scan').set({ ...columnsFromFields(SCAN_FIELDS, changes), updated_at: now() }).where('id', '=', pk).execute();
}

export async function deleteScanRow(db: Db, pk: number): Promise<void> {
  await db.deleteFrom('scan').where('id', '=', pk).execute();
}

export async function countScans(db: Db, experimentIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (experimentIds.length === 0) return out;
  const rows = await db.selectFrom('scan').select(['experiment_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('experiment_id', 'in', experimentIds as string[]).groupBy('experiment_id').execute();
  for (const r of rows) out.set(r.experiment_id, Number(r.n));
  return out;
}
