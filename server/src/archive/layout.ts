import path from 'node:path';
import { invalidInput } from '../domain/errors.js';

/**
 * Where things live under the archive root, as relative '/'-separated paths. One tree per
 * project; sessions under `{project}/arc001/{session label}` as XNAT lays them out. A resource's
 * directory is chosen once, when it is created, and stored with it, so later renames never
 * orphan files.
 */
export const ARC = 'arc001';
/** Staging area for files being written; on the archive's filesystem so renames are atomic. */
export const STAGING_DIR = '.staging';

export const projectResourceDir = (project: string, resource: string) => `${project}/resources/${resource}`;
export const subjectResourceDir = (project: string, subject: string, resource: string) =>
  `${project}/subjects/${subject}/resources/${resource}`;
export const sessionDir = (project: string, session: string) => `${project}/${ARC}/${session}`;
export const experimentResourceDir = (project: string, session: string, resource: string) =>
  `${sessionDir(project, session)}/RESOURCES/${resource}`;
export const scanResourceDir = (project: string, session: string, scan: string, resource: string) =>
  `${sessionDir(project, session)}/SCANS/${scan}/${resource}`;
export const assessorResourceDir = (project: string, session: string, assessor: string, resource: string) =>
  `${sessionDir(project, session)}/ASSESSORS/${assessor}/${resource}`;

/** The catalog XML XNAT keeps beside a resource's files. */
export const catalogFileName = (resourceLabel: string) => `${resourceLabel}_catalog.xml`;

/** Another directory for a resource when its natural one is taken: `DICOM~2`, `DICOM~3`... */
export const alternativeDir = (dir: string, attempt: number) => `${dir}~${attempt}`;

/** Joins a relative archive path onto the root, refusing anything that would land outside it. */
export function resolveInside(root: string, relative: string): string {
  const absoluteRoot = path.resolve(root);
  const target = path.resolve(absoluteRoot, relative);
  if (target !== absoluteRoot && !target.startsWith(absoluteRoot + path.sep)) {
    throw invalidInput(`Path '${relative}' leaves the archive`);
  }
  return target;
}
