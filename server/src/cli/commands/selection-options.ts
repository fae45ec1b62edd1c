import type { Command } from 'commander';
import { commaList } from '../client/options.js';
import type { Selection } from '../download/plan-selection.js';

/** The options of withSelectionOptions(), as commander hands them over. */
export interface SelectionFlags {
  subject?: string[];
  session?: string[];
  scanType?: string[];
  resource?: string[];
  sessionResources: boolean;
}

/** Adds the options `download` and `transfer` share to narrow a project to some sessions, scans and resources. */
export function withSelectionOptions(command: Command): Command {
  return command
    .option('--subject <labels>', 'only sessions of these subjects (comma-separated or repeated)', commaList)
    .option('--session <labels>', 'only these sessions, by label or accession ID', commaList)
    .option('--scan-type <types>', 'only scans of these types', commaList)
    .option('--resource <labels>', 'only these resources (DICOM, NIFTI, ...)', commaList)
    .option('--no-session-resources', "leave out the sessions' own resources (keep only scans)");
}

/** What the options select in `project`. */
export function selectionOf(project: string, flags: SelectionFlags): Omit<Selection, 'structure'> {
  return { project, subjects: flags.subject, sessions: flags.session, scanTypes: flags.scanType, resources: flags.resource, sessionResources: flags.sessionResources };
}
