import type { Kysely } from 'kysely';
import type { DB } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import type { Actor } from '../domain/actor.js';
import { loginOf } from '../domain/actor.js';
import { parseAnonymizationScript } from '../domain/anonymization-script.js';
import { parseRoutingRules } from '../domain/dicom-routing.js';
import { AppError, forbidden, invalidInput, notFound } from '../domain/errors.js';
import { findConfigEntry, insertConfigVersion, listConfigEntries, type ConfigEntry } from '../repositories/config-entry.repository.js';
import type { AccessService } from './access.service.js';
import { audit } from './audit.js';

const TOOL = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Versioned configuration documents (XNAT's /data/config): site-wide ones edited by administrators,
 * project ones by project owners. Anonymisation scripts live here (tool `anon`).
 */
export class ConfigService {
  constructor(private readonly db: Kysely<DB>, private readonly access: AccessService) {}

  async get(actor: Actor, scope: { projectId?: string }, tool: string, path: string): Promise<ConfigEntry> {
    const projectId = await this.scope(actor, scope, 'read');
    const entry = await findConfigEntry(this.db, tool, normalise(path), projectId);
    if (!entry) throw notFound(`No configuration ${tool}/${path}${projectId ? ` in project ${projectId}` : ''}`);
    return entry;
  }

  /** The project document, or the site-wide one when the project has none (`defaultToSiteWide`). */
  async getEffective(actor: Actor, projectId: string, tool: string, path: string): Promise<ConfigEntry> {
    const project = await this.scope(actor, { projectId }, 'read');
    return (await findConfigEntry(this.db, tool, normalise(path), project)) ?? this.get(actor, {}, tool, path);
  }

  async list(actor: Actor, scope: { projectId?: string }, tool?: string): Promise<ConfigEntry[]> {
    const projectId = await this.scope(actor, scope, 'read');
    return listConfigEntries(this.db, projectId, tool);
  }

  /** Stores a new version; returns whether the document is new. */
  async put(actor: Actor, scope: { projectId?: string }, tool: string, path: string, input: { contents?: string; status?: string; reason?: string }): Promise<{ created: boolean; entry: ConfigEntry }> {
    if (!TOOL.test(tool)) throw invalidInput(`Invalid configuration tool name '${tool}'`);
    const clean = normalise(path);
    if (!clean || clean.length > 255) throw invalidInput('Configuration path must be 1-255 characters');
    if (input.status !== undefined && input.status !== 'enabled' && input.status !== 'disabled') throw invalidInput(`Invalid status '${input.status}': use enabled or disabled`);
    const projectId = await this.scope(actor, scope, 'manage');
    if (input.contents !== undefined) validateDocument(tool, clean, input.contents);
    const previous = await findConfigEntry(this.db, tool, clean, projectId);
    const contents = input.contents ?? previous?.contents;
    if (contents === undefined) throw new AppError('invalid_input', 'Need PUT Contents: send the document as the request body');
    await withTransaction(this.db, async (trx) => {
      await insertConfigVersion(trx, {
        tool, path: clean, projectId, contents, status: (input.status ?? previous?.status ?? 'enabled') as ConfigEntry['status'],
        reason: input.reason ?? null, createdBy: loginOf(actor),
      });
      await audit(trx, actor, { action: previous ? 'update' : 'create', entityType: 'config', entityId: `${tool}/${clean}`, projectId: projectId || null, reason: input.reason });
    });
    return { created: !previous, entry: (await findConfigEntry(this.db, tool, clean, projectId)) as ConfigEntry };
  }

  /** '' for site scope after checking the actor may act there; else the project ID. */
  private async scope(actor: Actor, scope: { projectId?: string }, right: 'read' | 'manage'): Promise<string> {
    if (scope.projectId !== undefined) {
      const { project } = await this.access.requireProject(actor, scope.projectId, right);
      return project.id;
    }
    if (actor.kind !== 'user') throw new AppError('unauthenticated', 'The request requires user authentication');
    if (right === 'manage' && !actor.isAdmin) throw forbidden('Only site administrators can change site-wide configuration');
    return '';
  }
}

/** Documents that ingest parses are checked when saved, so a mistake is reported to its author, not at ingest. */
function validateDocument(tool: string, path: string, contents: string): void {
  if (tool === 'anon' && path === 'script') parseAnonymizationScript(contents);
  if (tool === 'dicom' && ['projectRules', 'subjectRules', 'sessionRules'].includes(path)) parseRoutingRules(contents);
}

function normalise(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
