import { DEFAULT_ARCHIVE_LIMITS } from '../archive/archive-reader.js';
import { PrearchiveStore } from '../archive/prearchive-store.js';
import type { FeatureFactory } from '../feature.js';
import { registerImportRoutes } from '../http/xnat/import.handlers.js';
import { registerPrearchiveRoutes } from '../http/xnat/prearchive.handlers.js';
import { AccessionIds } from '../services/accession-ids.js';
import { AnonymizationService } from '../services/ingest/anonymization.service.js';
import { Archiver } from '../services/ingest/archiver.js';
import { IngestService } from '../services/ingest/ingest.service.js';
import { PrearchiveService } from '../services/ingest/prearchive.service.js';
import { QuietSessions } from '../services/ingest/quiet-sessions.js';
import { ReceivingSessions } from '../services/ingest/receiving-sessions.js';
import { RoutingRulesService } from '../services/ingest/routing-rules.service.js';
import { SessionBuilder } from '../services/ingest/session-builder.js';

/**
 * Getting images in: the import service, the prearchive and archiving, and the background builder
 * for sessions received a file at a time.
 */
export const ingestFeature: FeatureFactory = async ({ db, store, config, services }) => {
  const prearchiveStore = new PrearchiveStore(config.prearchiveDir);
  await prearchiveStore.init();
  const receiving = new ReceivingSessions(db, prearchiveStore);
  const builder = new SessionBuilder(db, prearchiveStore, receiving);
  const archiver = new Archiver(db, store, prearchiveStore, receiving, builder, services.access, new AccessionIds(config.site.id), services.resources);
  const ingest = new IngestService(db, services.access, prearchiveStore, receiving, builder, archiver, new RoutingRulesService(), new AnonymizationService(),
    { ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: Math.min(DEFAULT_ARCHIVE_LIMITS.maxEntryBytes, config.http.maxUploadBytes) });
  const prearchive = new PrearchiveService(db, services.access, prearchiveStore, receiving, builder, archiver, ingest);
  const quiet = config.logging.level === 'silent';
  const log = (message: string, error?: unknown) => {
    if (!quiet) process.stderr.write(`xnat-ts: ${message}${error ? `: ${error instanceof Error ? error.message : String(error)}` : ''}\n`);
  };
  const builderTimer = new QuietSessions(db, receiving, ingest, config.ingest.quietMs, log);
  return {
    name: 'ingest',
    http: {
      xnat: [
        (router) => registerImportRoutes(router, { ingest, store: prearchiveStore, maxUploadBytes: config.http.maxUploadBytes }),
        (router) => registerPrearchiveRoutes(router, prearchive),
      ],
    },
    start: async () => {
      await prearchiveStore.cleanIncoming(60 * 60_000);
      builderTimer.start();
    },
    stop: () => builderTimer.stop(),
  };
};
