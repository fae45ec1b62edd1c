/**
 * Server-side transfers between projects (the seeds' copy and move workflows done as one
 * operation). These are the shapes the /xapi/transfers API speaks; docs/sharing-and-transfers.md
 * documents them field by field.
 */
export type TransferMode = 'copy' | 'move';
export type TransferState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type TransferPhase = 'queued' | 'copying' | 'verifying' | 'deleting-source' | 'finished';

/** What the caller asked for, after validation. Items are named by label (or accession ID) in the source project. */
export interface TransferRequest {
  readonly source: string;
  readonly destination: string;
  readonly mode: TransferMode;
  /** Every subject (with all its experiments) the source project holds. */
  readonly all: boolean;
  /** Subjects to transfer with all their experiments and subject-level resources. */
  readonly subjects: readonly string[];
  /** Sessions (or other subject assessors) to transfer; their subject comes along without its other experiments. */
  readonly experiments: readonly string[];
  /** Source subject label (or ID) → label in the destination; unmapped items keep their label. */
  readonly subjectLabels: Readonly<Record<string, string>>;
  /** Source experiment or assessor label (or ID) → label in the destination. */
  readonly experimentLabels: Readonly<Record<string, string>>;
  /** Source session label (or ID) → scan selector (IDs or types, comma-separated; default every scan). Copies only. */
  readonly scans: Readonly<Record<string, string>>;
  /** Only resources with these labels, at every level (default: every resource). Copies only. */
  readonly resources: readonly string[] | null;
  /** Bring the image assessors of each session along (default true; a move always does). */
  readonly includeAssessors: boolean;
  /**
   * Read hard-linked files back and check their MD5 too (default false). A hard link is verified as
   * the very file of the source; reading it back also checks the source's disk. Byte copies are
   * always hashed as they are written.
   */
  readonly verifyContent: boolean;
  readonly reason?: string;
}

/** The items of a transfer, resolved to IDs when it was accepted, so a resumed run works on the same items. */
export interface TransferSelection {
  readonly subjects: readonly SelectedSubject[];
  readonly experiments: readonly SelectedExperiment[];
}

export interface SelectedSubject {
  readonly id: string;
  readonly sourceLabel: string;
  readonly destLabel: string;
  /** Selected as a whole: its subject-level resources come too, and a move deletes it from the source. */
  readonly whole: boolean;
  /** The source project holds it only as a share. */
  readonly sharedInSource: boolean;
}

export interface SelectedExperiment {
  readonly id: string;
  readonly sourceLabel: string;
  readonly destLabel: string;
  readonly subjectId: string;
  readonly scanSelector: string | null;
  readonly assessors: readonly { readonly id: string; readonly sourceLabel: string; readonly destLabel: string }[];
  readonly sharedInSource: boolean;
}

/** Something that stops the transfer (a dry run lists them all; a real run is refused while any remain). */
export interface TransferProblem {
  readonly kind: 'access' | 'setting' | 'label' | 'uid' | 'type' | 'scan' | 'file' | 'ownership' | 'storage';
  /** The item concerned, as "subject S01", "experiment MR1", "scan 3 of MR1", or the project. */
  readonly item: string;
  readonly message: string;
}

export interface ProjectAccessCheck {
  readonly project: string;
  /** admin, owner, member, collaborator, public, protected or none. */
  readonly role: string;
  readonly read: boolean;
  readonly write: boolean;
  readonly delete: boolean;
  /** Destination only: new subjects may be created there by this user. */
  readonly createSubjects?: boolean;
}

export type MergeAction = 'create' | 'merge';

export interface SubjectCheck {
  readonly sourceId: string;
  readonly sourceLabel: string;
  readonly destLabel: string;
  /** create: a new subject; merge: sessions join the destination's subject of that label; use-shared: the same subject is already shared into the destination. */
  readonly action: 'create' | 'merge' | 'use-shared';
  readonly destId: string | null;
  readonly resources: number;
  readonly files: number;
  readonly bytes: number;
}

export interface ExperimentCheck {
  readonly sourceId: string;
  readonly sourceLabel: string;
  readonly destLabel: string;
  readonly destSubjectLabel: string;
  readonly xsiType: string;
  readonly action: MergeAction;
  readonly destId: string | null;
  /** Present when the destination already has an experiment of that label: merging needs both UIDs, equal. */
  readonly studyInstanceUid: { readonly source: string; readonly destination: string; readonly agree: boolean } | null;
  readonly scans: readonly { readonly id: string; readonly action: MergeAction }[];
  readonly assessors: readonly { readonly sourceLabel: string; readonly destLabel: string }[];
  readonly resources: number;
  readonly files: number;
  readonly bytes: number;
  /** Files the destination already has with the same path, size and MD5 (merges skip them). */
  readonly filesAlreadyThere: number;
}

export interface TransferTotals {
  readonly subjects: number;
  readonly experiments: number;
  readonly assessors: number;
  readonly scans: number;
  readonly resources: number;
  readonly files: number;
  readonly bytes: number;
  readonly filesAlreadyThere: number;
}

/** The seeds' pre-transfer checklist, answered by the server. */
export interface TransferChecklist {
  /** True when nothing blocks the transfer. */
  readonly ok: boolean;
  readonly mode: TransferMode;
  readonly access: { readonly source: ProjectAccessCheck; readonly destination: ProjectAccessCheck };
  readonly destinationSettings: {
    readonly prearchiveCode: number;
    /** Where the destination sends uploads (its prearchive setting). */
    readonly uploadsGoTo: 'prearchive' | 'archive';
    /** Transfers always archive directly: the source data is already archived and reviewed. */
    readonly transfersGoTo: 'archive';
    readonly quarantineCode: number;
    readonly allowSubjectCreation: boolean;
  };
  readonly subjects: readonly SubjectCheck[];
  readonly experiments: readonly ExperimentCheck[];
  readonly problems: readonly TransferProblem[];
  readonly warnings: readonly string[];
  readonly totals: TransferTotals;
  readonly storage: { readonly method: 'hardlink' | 'copy'; readonly bytesNeeded: number; readonly bytesFree: number; readonly enough: boolean };
}

export interface TransferProgress {
  readonly experimentsDone: number;
  readonly experimentsTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesCopied: number;
  readonly bytesVerified: number;
  readonly bytesTotal: number;
  /** 0-100, over copying and reading back. */
  readonly percent: number;
}

export interface VerificationCounts {
  readonly subjects: number;
  readonly experiments: number;
  readonly scans: number;
  readonly resources: number;
  readonly files: number;
  readonly bytes: number;
}

export interface TransferReport {
  readonly outcome: 'succeeded' | 'failed' | 'cancelled';
  readonly message: string;
  /** How files reached the destination. */
  readonly method: 'hardlink' | 'copy' | 'mixed' | 'none';
  readonly subjects: readonly { readonly sourceId: string; readonly sourceLabel: string; readonly destId: string | null; readonly destLabel: string; readonly status: 'created' | 'merged' | 'used-shared' | 'not-done' }[];
  readonly experiments: readonly {
    readonly sourceId: string; readonly sourceLabel: string; readonly destId: string | null; readonly destLabel: string;
    readonly status: 'copied' | 'merged' | 'failed' | 'not-done'; readonly files: number; readonly bytes: number; readonly error?: string;
  }[];
  readonly verification: {
    readonly passed: boolean;
    readonly expected: VerificationCounts;
    readonly found: VerificationCounts;
    readonly problems: readonly { readonly kind: string; readonly item: string; readonly path?: string; readonly expected?: string; readonly found?: string }[];
  };
  /** Moves: whether the source items were deleted (only after verification passed). */
  readonly sourceDeleted: boolean;
  readonly sourceKeptReason: string | null;
  readonly durationMs: number;
  readonly mbPerSecond: number;
}

export interface Transfer {
  readonly id: string;
  readonly state: TransferState;
  readonly phase: TransferPhase;
  readonly mode: TransferMode;
  readonly source: string;
  readonly destination: string;
  readonly createdBy: string;
  readonly userId: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly cancelRequested: boolean;
  readonly jobId: number | null;
  readonly request: TransferRequest;
  readonly selection: TransferSelection;
  readonly checklist: TransferChecklist;
  readonly progress: TransferProgress;
  readonly report: TransferReport | null;
}

export const isFinalTransferState = (s: TransferState) => s === 'succeeded' || s === 'failed' || s === 'cancelled';
