import type { FeatureFactory } from '../feature.js';
import { registerSharingRoutes } from '../http/xnat/sharing.handlers.js';
import { sharingRoutes } from '../http/routes/sharing.routes.js';
import { transfersRoutes } from '../http/routes/transfers.routes.js';
import { transferJob } from '../jobs/handlers/transfer.job.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobRegistry } from '../jobs/job-registry.js';
import { JobWorker } from '../jobs/job-worker.js';
import { AccessionIds } from '../services/accession-ids.js';
import { OwnerChangeService } from '../services/sharing/owner-change.service.js';
import { ShareService } from '../services/sharing/share.service.js';
import { TransferRunner } from '../services/transfers/transfer-runner.js';
import { TransferService } from '../services/transfers/transfer.service.js';
import { UnitCopier } from '../services/transfers/unit-copier.js';

/**
 * Sharing between projects (XNAT's share, unshare and change-of-owner calls) and server-side
 * transfers (copy and move with a dry run and a verification report), with the job worker that
 * runs transfers in the background.
 */
export const sharingFeature: FeatureFactory = ({ db, dialect, store, config, services }) => {
  const links = config.transfers.hardLinks;
  const shares = new ShareService(db, services.access, services.locator);
  const owners = new OwnerChangeService(db, services.access, services.locator, store, services.resources, { links });
  const queue = new JobQueue(db, dialect);
  const transfers = new TransferService(db, services.access, store, queue, { links });
  const copier = new UnitCopier(db, store, new AccessionIds(config.site.id), services.resources);
  const runner = new TransferRunner(db, store, services.access, copier, { links, maxBytesPerSecond: config.transfers.maxBytesPerSecond });
  const quiet = config.logging.level === 'silent';
  const worker = new JobWorker(queue, new JobRegistry([transferJob(runner)]), {
    concurrency: config.jobs.concurrency, leaseMs: config.jobs.leaseMs, pollMs: config.jobs.pollMs,
    log: quiet ? undefined : (message, error) => process.stderr.write(`xnat-ts: ${message}${error ? `: ${error instanceof Error ? error.stack ?? error.message : String(error)}` : ''}\n`),
  });
  return {
    name: 'sharing',
    http: {
      xnat: [(router) => registerSharingRoutes(router, { shares, owners })],
      plugins: [sharingRoutes(shares), transfersRoutes(transfers)],
    },
    start: async () => worker.start(),
    stop: () => worker.stop(),
  };
};
