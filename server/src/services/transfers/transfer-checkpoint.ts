import type { Db } from '../../db/database.js';
import { findTransferCheckpoint } from '../../repositories/transfer.repository.js';
import type { VerifyProblem } from './verified-copy.js';

/**
 * What a transfer has finished, saved in the same transaction as each finished step, so a
 * transfer resumed after a restart skips what is done and cleans up what was half-done.
 */
export interface TransferCheckpoint {
  /** Source subject ID → its destination subject. */
  subjects: Record<string, { destId: string; status: 'created' | 'merged' | 'used-shared'; resourcesDone: boolean; fingerprint: string }>;
  /** Source experiment ID → its destination experiment and assessors. */
  experiments: Record<string, {
    destId: string; status: 'copied' | 'merged'; files: number; bytes: number; fingerprint: string; assessors: Record<string, string>;
  }>;
  /** Source subject or experiment ID → why it could not be copied. */
  failed: Record<string, { message: string; problems?: readonly VerifyProblem[] }>;
  /** Files placed for a step whose rows are not committed yet; removed if the step does not finish. */
  pending: { dirs: string[]; files: { resourceId: number; path: string; relative: string }[] } | null;
  /** Source items already deleted by a move. */
  sourceDeleted: string[];
  links: number;
  copies: number;
}

export function emptyCheckpoint(): TransferCheckpoint {
  return { subjects: {}, experiments: {}, failed: {}, pending: null, sourceDeleted: [], links: 0, copies: 0 };
}

/** The saved checkpoint of a transfer, with every field present (an empty one if none was saved). */
export async function loadCheckpoint(db: Db, transferId: string): Promise<TransferCheckpoint> {
  return { ...emptyCheckpoint(), ...((await findTransferCheckpoint(db, transferId)) as Partial<TransferCheckpoint> | undefined) };
}
