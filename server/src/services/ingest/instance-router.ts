import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.js';
import { hasRight } from '../../domain/access.js';
import type { Actor } from '../../domain/actor.js';
import { autoArchiveHintOf, projectCandidates, sessionLabelOf, subjectLabelOf, type DicomTags } from '../../domain/dicom-routing.js';
import type { Project } from '../../domain/entities.js';
import { checkLabel } from '../../domain/names.js';
import { UNASSIGNED } from '../../domain/prearchive.js';
import { findProject } from '../../repositories/project.repository.js';
import type { AccessService } from '../access.service.js';
import type { IngestOptions } from './ingest-request.js';
import type { RoutingRulesService } from './routing-rules.service.js';

/** Where one instance goes: the project (or Unassigned), the subject and session labels. */
export interface Route {
  readonly project: Project | undefined;
  readonly projectKey: string;
  readonly subject: string;
  readonly session: string;
  readonly autoArchive: boolean | undefined;
}

/**
 * Works out project, subject and session for instances (xnat-api.md §7.2 and the order):
 * what the sender named first; then the site's routing rules and the DICOM fields; then the
 * project's own rules for subject and session. A project candidate counts only when it names a
 * project the acting user may add data to. Remembers its answers for one request or receiver.
 */
export class InstanceRouter {
  private readonly projects = new Map<string, Project | null>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly access: AccessService,
    private readonly rules: RoutingRulesService,
    private readonly actor: Actor,
    private readonly explicitProject: Project | undefined,
  ) {}

  async route(tags: DicomTags, options: IngestOptions): Promise<Route> {
    let project = this.explicitProject;
    if (!project) {
      for (const candidate of projectCandidates(tags, (await this.rules.siteRules()).project)) {
        const found = await this.usable(candidate);
        if (found) {
          project = found;
          break;
        }
      }
    }
    // The project's own subject and session rules come before the site's.
    const rules = await this.rules.rulesFor(project?.id);
    const subject = options.subject ?? subjectLabelOf(tags, rules.subject);
    const session = options.session ?? sessionLabelOf(tags, rules.session);
    return {
      project,
      projectKey: project?.id ?? UNASSIGNED,
      subject: checkLabel('subject label', subject || 'unknown_subject'),
      session: checkLabel('experiment label', session || 'dicom_upload'),
      autoArchive: autoArchiveHintOf(tags),
    };
  }

  private async usable(candidate: string): Promise<Project | undefined> {
    const key = candidate.trim();
    if (!key || key.length > 64) return undefined;
    if (!this.projects.has(key)) {
      const project = await findProject(this.db, key);
      let ok = false;
      if (project) ok = hasRight(await this.access.accessTo(this.actor, project), 'create');
      this.projects.set(key, ok && project ? project : null);
    }
    return this.projects.get(key) ?? undefined;
  }
}
