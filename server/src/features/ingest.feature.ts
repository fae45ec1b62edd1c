import { DEFAULT_ARCHIVE_LIMITS } from '../archive/archive-reader.js';
import { PrearchiveStore } from '../archive/prearchive-store.js';
import { DicomReceiver, type ReceivedInstance, type ReceiveOutcome } from '../dicom/receiver/dicom-receiver.js';
import { SYSTEM, type Actor } from '../domain/actor.js';
import { AppError } from '../domain/errors.js';
import type { FeatureFactory } from '../feature.js';
import { findUserByLogin } from '../repositories/user.repository.js';
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
  const quiet = config.logging.level === 'silent';
  const log = (message: string, error?: unknown) => {
    if (!quiet) process.stderr.write(`xnat-ts: ${message}${error ? `: ${error instanceof Error ? error.message : String(error)}` : ''}\n`);
  };
  const prearchiveStore = new PrearchiveStore(config.prearchiveDir);
  await prearchiveStore.init();
  const receiving = new ReceivingSessions(db, prearchiveStore);
  const builder = new SessionBuilder(db, prearchiveStore, receiving);
  const archiver = new Archiver(db, store, prearchiveStore, receiving, builder, services.access, new AccessionIds(config.site.id), services.resources);
  const ingest = new IngestService(db, services.access, prearchiveStore, receiving, builder, archiver, new RoutingRulesService(db, { onInvalid: (where, error) => log(`ignoring the invalid DICOM routing rules in ${where}`, error) }), new AnonymizationService(db),
    { ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: Math.min(DEFAULT_ARCHIVE_LIMITS.maxEntryBytes, config.http.maxUploadBytes) });
  const prearchive = new PrearchiveService(db, services.access, prearchiveStore, receiving, builder, archiver, ingest);
  const builderTimer = new QuietSessions(db, receiving, ingest, config.ingest.quietMs, log);

  // The DICOM receiver files what it gets as the site's received-file user, routed like any upload.
  let receivedBy: { actor: Actor; at: number } | undefined;
  const receivedFileActor = async (): Promise<Actor> => {
    if (receivedBy && Date.now() - receivedBy.at < 5000) return receivedBy.actor;
    const user = await findUserByLogin(db, config.ingest.receivedFileUser);
    if (!user || !user.enabled) log(`the received-file user '${config.ingest.receivedFileUser}' does not exist or is disabled; DICOM received over the network is filed as the system`);
    receivedBy = { actor: user && user.enabled ? { kind: 'user', userId: user.id, login: user.login, isAdmin: user.isAdmin } : SYSTEM, at: Date.now() };
    return receivedBy.actor;
  };
  const receiveInstance = async (instance: ReceivedInstance): Promise<ReceiveOutcome> => {
    try {
      await ingest.ingest(await receivedFileActor(), { kind: 'instance', file: instance.file, name: `from ${instance.callingAe}`, size: instance.size, md5: instance.md5, bytes: instance.bytes }, {
        project: instance.project ?? undefined, ignoreUnparsable: false, preventAnon: false, preventAutoCommit: false, source: 'dicom',
      });
      return { status: 'stored' };
    } catch (e) {
      // A refusal the sender should not retry (bad object, unknown project, a rule) is 0xC000; the rest 0xA700.
      if (e instanceof AppError && e.code !== 'internal' && e.code !== 'storage_full') return { status: 'refused', reason: e.message };
      throw e;
    }
  };
  const receiver = config.dicom.enabled ? new DicomReceiver({ config: config.dicom, tempDir: prearchiveStore.incomingRoot, log }, receiveInstance) : undefined;
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
      await receiver?.start();
    },
    stop: async () => {
      await receiver?.stop();
      await builderTimer.stop();
      await receiving.flushAll();
    },
    startupLines: () => (receiver ? [receiver.describe()] : []),
  };
};
