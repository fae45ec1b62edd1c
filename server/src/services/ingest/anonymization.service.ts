import type { Kysely } from 'kysely';
import type { DB } from '../../db/database.js';
import { anonymizeFile, type AnonymizationContext } from '../../dicom/anonymizer.js';
import { parseAnonymizationScript, type AnonymizationScript } from '../../domain/anonymization-script.js';
import { findConfigEntry } from '../../repositories/config-entry.repository.js';
import { TtlCache } from './ttl-cache.js';

/** Config tool and path of anonymization scripts, site-wide and per project (XNAT: `/data/config/anon/script`). */
export const ANON_TOOL = 'anon';
export const ANON_PATH = 'script';

export interface AnonymizationOptions {
  /** How long scripts are remembered; changes through the config REST show within this time. */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

/**
 * Applies the site and project anonymization scripts to incoming DICOM files. Scripts are read as the system,
 * honouring their enabled/disabled status. A stored script that no longer parses fails the ingest
 * (invalid_input naming the script and line) rather than letting identifiers through.
 */
export class AnonymizationService {
  private readonly cache: TtlCache<AnonymizationScript | undefined>;

  constructor(private readonly db: Kysely<DB>, options: AnonymizationOptions = {}) {
    this.cache = new TtlCache(options.cacheMs ?? 2000, options.now);
  }

  /** The enabled site script, then the enabled script of the project (when given), in the order they apply. */
  async scriptsFor(projectId: string | undefined): Promise<AnonymizationScript[]> {
    const scripts = [await this.script('')];
    if (projectId) scripts.push(await this.script(projectId));
    return scripts.filter((s): s is AnonymizationScript => s !== undefined);
  }

  /**
   * Writes the anonymized copy of `input` to `output` (may be the same path) with the scripts for
   * `context.project` ('' for unassigned data: site script only). Returns false, writing nothing, when no
   * script has a statement to apply.
   */
  async apply(input: string, output: string, context: AnonymizationContext): Promise<boolean> {
    const scripts = (await this.scriptsFor(context.project || undefined)).filter((s) => s.statements.length > 0);
    if (scripts.length === 0) return false;
    await anonymizeFile(input, output, scripts, context);
    return true;
  }

  private script(projectId: string): Promise<AnonymizationScript | undefined> {
    return this.cache.get(projectId, async () => {
      const entry = await findConfigEntry(this.db, ANON_TOOL, ANON_PATH, projectId);
      if (!entry || entry.status !== 'enabled') return undefined;
      return parseAnonymizationScript(entry.contents, projectId ? `script of project ${projectId}` : 'site script');
    });
  }
}
