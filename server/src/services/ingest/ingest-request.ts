import type { ArchiveKind } from '../../archive/archive-reader.js';
import type { Overwrite } from '../../domain/prearchive.js';

/**
 * One request to bring DICOM in, whichever door it came through (the HTTP import service, the DICOM
 * receiver, the CLI through HTTP): what to read and what the sender asked for. Each door turns the
 * outcome into its own protocol (HTTP status, DIMSE status, exit code).
 */
export interface IngestOptions {
  /** Project named by the sender (PROJECT_ID, dest, or the AE title's project); otherwise routed from the headers. */
  readonly project?: string;
  readonly subject?: string;
  readonly session?: string;
  /** Where built sessions go: undefined leaves it to the project's setting (prearchive_code). */
  readonly destination?: 'prearchive' | 'archive';
  readonly overwrite?: Overwrite;
  /** Skip entries that are not DICOM instead of refusing the upload. */
  readonly ignoreUnparsable: boolean;
  /** An explicit auto-archive choice (XNAT's AA / auto-archive parameter). */
  readonly autoArchive?: boolean;
  /** Skip the anonymization scripts (the sender already anonymized). */
  readonly preventAnon: boolean;
  /** Leave sessions RECEIVING for the sender to commit (no build after the quiet period). */
  readonly preventAutoCommit: boolean;
  /** 'upload', 'dicom', 'cli', ... recorded on the prearchive session. */
  readonly source: string;
  /** Experiment fields to set when archiving (`xnat:mrSessionData/...` or shortcuts). */
  readonly fields?: Readonly<Record<string, string>>;
}

export type IngestInput =
  /** A zip, tar or tar.gz of DICOM files, already written to a temporary file. */
  | { readonly kind: 'archive'; readonly file: string; readonly format: ArchiveKind }
  /** One DICOM instance, already written to a temporary file the service takes over. */
  | {
    readonly kind: 'instance'; readonly file: string; readonly name: string;
    /** Size and MD5 when the sender measured them while writing the file. */
    readonly size?: number; readonly md5?: string;
    /** The file's bytes when the sender still holds them (the header is read from them). */
    readonly bytes?: Buffer;
  };

export interface SessionOutcome {
  /** `/prearchive/projects/...` or `/archive/projects/{P}/subjects/{S}/experiments/{E}`. */
  readonly uri: string;
  readonly archived: boolean;
  /** Why an archive that was asked for did not happen (the session waits in the prearchive). */
  readonly problem?: { readonly status: 'CONFLICT' | 'ERROR'; readonly message: string };
}

export interface IngestOutcome {
  readonly sessions: readonly SessionOutcome[];
  /** Entries that were not DICOM and were skipped (Ignore-Unparsable). */
  readonly skipped: readonly string[];
}
