import type { TransferRunner } from '../../services/transfers/transfer-runner.js';
import type { JobHandler } from '../job-types.js';

/** Runs one accepted transfer (payload: its ID); resumable after a crash from the transfer's checkpoint. */
export function transferJob(runner: TransferRunner): JobHandler<{ transferId: string }> {
  return {
    name: 'transfer.run',
    run: (payload, context) => runner.run(payload.transferId, context),
    abandon: (payload, reason) => runner.abandon(payload.transferId, reason),
  };
}
