import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { withTransaction } from '../db/transaction.js';
import type { Actor } from '../domain/actor.js';
import type { Scan } from '../domain/entities.js';
import { conflict, invalidInput, notFound } from '../domain/errors.js';
import { applyChanges, type FieldChanges } from '../domain/field-values.js';
import { checkScanId } from '../domain/names.js';
import { selectScans } from '../domain/scan-selector.js';
import { findXsiType, scanTypeForSession } from '../domain/xsi-types.js';
import type { FileStore } from '../archive/file-store.js';
import { deleteScanRow, findScan, insertScan, listScans, updateScanFields } from '../repositories/scan.repository.js';
import { audit } from './audit.js';
import type { AccessService } from './access.service.js';
import type { ExperimentRef, LocatedExperiment, Locator } from './locator.js';

export interface ScanPut {
  readonly xsiType?: string;
  readonly fields: FieldChanges;
  readonly reason?: string;
}

/** Scans of image sessions. A session shared into a project brings its scans along, read-only. */
export class ScanService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly access: AccessService,
    private readonly locator: Locator,
    private readonly files: FileStore,
  ) {}

  async list(actor: Actor, sessionRef: ExperimentRef): Promise<{ session: LocatedExperiment; scans: Scan[] }> {
    const session = await this.locator.experiment(actor, sessionRef, 'read');
    return { session, scans: await listScans(this.db, session.item.id) };
  }

  /** Scans matching a selector (ID, type, comma list, ALL); an empty match is a 404. */
  async select(actor: Actor, sessionRef: ExperimentRef, selector: string): Promise<{ session: LocatedExperiment; scans: Scan[] }> {
    const { session, scans } = await this.list(actor, sessionRef);
    const selected = selectScans(scans, selector);
    if (selected.length === 0 && selector !== 'ALL' && selector !== '*') throw notFound(`No scan ${selector} in session ${session.label}`);
    return { session, scans: selected };
  }

  async get(actor: Actor, sessionRef: ExperimentRef, scanId: string): Promise<{ session: LocatedExperiment; scan: Scan }> {
    const session = await this.locator.experiment(actor, sessionRef, 'read');
    const scan = await findScan(this.db, session.item.id, scanId);
    if (!scan) throw notFound(`No scan ${scanId} in session ${session.label}`);
    return { session, scan };
  }

  /** Creates the scan or updates its fields; its type (xsiType) cannot change once set. */
  async put(actor: Actor, sessionRef: ExperimentRef, rawScanId: string, input: ScanPut): Promise<{ scan: Scan; created: boolean }> {
    const session = await this.locator.experiment(actor, sessionRef, 'see');
    this.access.requireOnItem(actor, session.grant, session.isShared, 'edit', `Session ${session.label}`, session.item.projectId);
    const sessionType = findXsiType(session.item.xsiType);
    if (sessionType?.kind !== 'imageSession') throw invalidInput(`Experiment ${session.label} is a ${session.item.xsiType}; only image sessions have scans`);
    const requested = input.xsiType ? findXsiType(input.xsiType) : undefined;
    if (input.xsiType && !requested) {
      throw invalidInput(input.xsiType === 'xnat:imageScanData'
        ? 'Multiple scan modalities can be associated here: specify a concrete scan type such as xnat:mrScanData'
        : `Unknown xsiType '${input.xsiType}'`);
    }
    if (requested && requested.kind !== 'scan') throw invalidInput(`${requested.xsiType} is not a scan type`);
    const scanId = checkScanId(rawScanId);
    const existing = await findScan(this.db, session.item.id, scanId);
    if (existing) {
      if (requested && requested.xsiType !== existing.xsiType) throw conflict(`Scan ${scanId} is a ${existing.xsiType}; its type cannot change to ${requested.xsiType}`);
      if (Object.keys(input.fields).length > 0) {
        await withTransaction(this.db, async (trx) => {
          await updateScanFields(trx, existing.pk, input.fields);
          await audit(trx, actor, { action: 'update', entityType: 'scan', entityId: `${session.item.id}/${scanId}`, projectId: session.item.projectId, label: scanId, reason: input.reason, details: { fields: input.fields } });
        });
      }
      return { scan: (await findScan(this.db, session.item.id, scanId)) as Scan, created: false };
    }
    const xsiType = (requested ?? scanTypeForSession(session.item.xsiType)).xsiType;
    try {
      const scan = await withTransaction(this.db, async (trx) => {
        const created = await insertScan(trx, { experimentId: session.item.id, scanId, xsiType, fields: applyChanges({}, input.fields) });
        await audit(trx, actor, { action: 'create', entityType: 'scan', entityId: `${session.item.id}/${scanId}`, projectId: session.item.projectId, label: scanId, reason: input.reason, details: { xsiType } });
        return created;
      });
      return { scan, created: true };
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`Scan ${scanId} already exists in session ${session.label}`);
      throw e;
    }
  }

  async delete(actor: Actor, sessionRef: ExperimentRef, scanId: string, options: { removeFiles: boolean; reason?: string }): Promise<void> {
    const session = await this.locator.experiment(actor, sessionRef, 'see');
    this.access.requireOnItem(actor, session.grant, session.isShared, 'delete', `Session ${session.label}`, session.item.projectId);
    const scan = await findScan(this.db, session.item.id, scanId);
    if (!scan) throw notFound(`No scan ${scanId} in session ${session.label}`);
    const dirs = await withTransaction(this.db, async (trx) => {
      const rows = await trx.selectFrom('resource').select('dir').where('scan_pk', '=', scan.pk).execute();
      await deleteScanRow(trx, scan.pk);
      await audit(trx, actor, { action: 'delete', entityType: 'scan', entityId: `${session.item.id}/${scanId}`, projectId: session.item.projectId, label: scanId, reason: options.reason, details: { removeFiles: options.removeFiles } });
      return rows.map((r) => r.dir);
    });
    if (options.removeFiles) for (const dir of dirs) await this.files.removeDir(dir);
  }
}
