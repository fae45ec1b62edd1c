/** The archive's entities as services see them. Rows never leave repositories; these do. */

export type Accessibility = 'public' | 'protected' | 'private';
export const ACCESSIBILITY_LEVELS: readonly Accessibility[] = ['public', 'protected', 'private'];

export type ProjectRole = 'owner' | 'member' | 'collaborator';
export const PROJECT_ROLES: readonly ProjectRole[] = ['owner', 'member', 'collaborator'];

/** What happens to uploads: 0 stay in the prearchive, 4 archive (reject duplicates), 5 archive and overwrite. */
export type PrearchiveCode = 0 | 4 | 5;

/** Descriptive field values by shortcut key (see fields.ts); absent keys are unset. */
export type FieldValues = Record<string, string>;

export interface Project {
  readonly id: string;
  readonly fields: FieldValues;
  readonly accessibility: Accessibility;
  readonly prearchiveCode: PrearchiveCode;
  readonly quarantineCode: 0 | 1;
  /** Whether uploads may create subjects that do not exist yet. */
  readonly allowSubjectCreation: boolean;
  readonly aliases: readonly string[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

export interface Subject {
  readonly id: string;
  /** The owning project. */
  readonly projectId: string;
  /** The label in the owning project. */
  readonly label: string;
  readonly fields: FieldValues;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

export interface Experiment {
  readonly id: string;
  readonly projectId: string;
  readonly subjectId: string;
  readonly label: string;
  readonly xsiType: string;
  /** For image assessors: the session they assess. */
  readonly imageSessionId: string | null;
  readonly fields: FieldValues;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

/** An item as seen from one project: its label there and whether that project only has it shared. */
export interface InProject<T> {
  readonly item: T;
  readonly projectId: string;
  readonly label: string;
  readonly isShared: boolean;
}

/** One row of an item's sharing table: the owner first, then each project it is shared into. */
export interface ProjectLabel {
  readonly projectId: string;
  readonly label: string;
  readonly isShared: boolean;
}

export interface Scan {
  /** Internal number (XNAT's xnat_imagescandata_id). */
  readonly pk: number;
  readonly experimentId: string;
  /** The scan ID inside its session, usually the DICOM series number. */
  readonly scanId: string;
  readonly xsiType: string;
  readonly fields: FieldValues;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ResourceOwner =
  | { readonly kind: 'project'; readonly projectId: string }
  | { readonly kind: 'subject'; readonly subjectId: string }
  | { readonly kind: 'experiment'; readonly experimentId: string }
  | { readonly kind: 'scan'; readonly experimentId: string; readonly scanPk: number };

export interface Resource {
  /** Internal number (XNAT's xnat_abstractresource_id); clients address resources by it. */
  readonly id: number;
  readonly owner: ResourceOwner;
  readonly label: string;
  readonly format: string;
  readonly content: string;
  readonly description: string;
  readonly tags: string;
  readonly fileCount: number;
  readonly totalSize: number;
  /** Directory relative to the archive root holding the files and the catalog. */
  readonly dir: string;
  readonly createdAt: string;
}

export interface ResourceFile {
  readonly id: number;
  readonly resourceId: number;
  /** Path relative to the resource directory, '/'-separated. */
  readonly path: string;
  readonly size: number;
  readonly md5: string;
  readonly format: string;
  readonly content: string;
  readonly tags: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface User {
  readonly id: number;
  readonly login: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly enabled: boolean;
  readonly verified: boolean;
  readonly isAdmin: boolean;
  readonly createdAt: string;
  readonly lastLoginAt: string | null;
}
