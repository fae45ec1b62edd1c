import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.js';
import { NO_RULES, parseRoutingRules, type RoutingRule, type RoutingRules } from '../../domain/dicom-routing.js';
import { AppError } from '../../domain/errors.js';
import { findConfigEntry } from '../../repositories/config-entry.repository.js';
import { TtlCache } from './ttl-cache.js';

/** Config tool holding DICOM routing rules (XNAT: `/data/config/dicom/projectRules` etc.). */
export const ROUTING_TOOL = 'dicom';
export const ROUTING_PATHS = { project: 'projectRules', subject: 'subjectRules', session: 'sessionRules' } as const;

export interface RoutingRulesOptions {
  /** How long rules are remembered; changes through the config REST show within this time. */
  readonly cacheMs?: number;
  readonly now?: () => number;
  /** Told about a stored document that no longer parses; it is then ignored (routing falls back to the fixed order). */
  readonly onInvalid?: (where: string, error: AppError) => void;
}

/**
 * Custom DICOM routing rules: site-wide ones (project, subject, session) and per-project ones (subject,
 * session), read from configuration documents as the system, honouring each document's enabled/disabled status.
 */
export class RoutingRulesService {
  private readonly cache: TtlCache<RoutingRules>;

  constructor(private readonly db: Kysely<DB>, private readonly options: RoutingRulesOptions = {}) {
    this.cache = new TtlCache(options.cacheMs ?? 2000, options.now);
  }

  /** Site rules from config `dicom/projectRules`, `dicom/subjectRules`, `dicom/sessionRules`. */
  siteRules(): Promise<RoutingRules> {
    return this.cache.get('', async () => ({
      project: await this.rules('', ROUTING_PATHS.project),
      subject: await this.rules('', ROUTING_PATHS.subject),
      session: await this.rules('', ROUTING_PATHS.session),
    }));
  }

  /** The project's own subject and session rules (its `dicom` config); the project list is always empty. */
  projectRules(projectId: string): Promise<RoutingRules> {
    return this.cache.get(`project:${projectId}`, async () => ({
      project: NO_RULES.project,
      subject: await this.rules(projectId, ROUTING_PATHS.subject),
      session: await this.rules(projectId, ROUTING_PATHS.session),
    }));
  }

  /**
   * The rules for a file: the site's project rules, and for subject and session the project's own rules
   * (when the project is known) before the site's.
   */
  async rulesFor(projectId: string | undefined): Promise<RoutingRules> {
    const site = await this.siteRules();
    if (!projectId) return site;
    const project = await this.projectRules(projectId);
    return { project: site.project, subject: [...project.subject, ...site.subject], session: [...project.session, ...site.session] };
  }

  private async rules(projectId: string, path: string): Promise<readonly RoutingRule[]> {
    const entry = await findConfigEntry(this.db, ROUTING_TOOL, path, projectId);
    if (!entry || entry.status !== 'enabled') return [];
    try {
      return parseRoutingRules(entry.contents);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      this.options.onInvalid?.(`${projectId ? `project ${projectId} ` : 'site '}${ROUTING_TOOL}/${path}`, e);
      return [];
    }
  }
}
