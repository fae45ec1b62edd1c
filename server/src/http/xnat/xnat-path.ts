import type { ExperimentRef, SubjectRef } from '../../services/locator.js';
import type { OwnerRef } from '../../services/resource-owner.js';

/**
 * XNAT's archive URL grammar (xnat-api.md §2.9), parsed into what the URL addresses. Pure: the
 * dispatcher decides what each method does with it. Segments arrive decoded, after the mount
 * point (`/data`, `/REST`, and the optional `archive/`).
 */
export type XnatTarget =
  | { readonly t: 'projects' }
  | { readonly t: 'project'; readonly project: string }
  | { readonly t: 'projectSetting'; readonly project: string; readonly setting: ProjectSetting; readonly value?: string }
  | { readonly t: 'projectUsers'; readonly project: string; readonly group?: string; readonly users?: string }
  | { readonly t: 'config'; readonly project?: string; readonly tool?: string; readonly path?: string }
  | { readonly t: 'subjects'; readonly project?: string }
  | { readonly t: 'subject'; readonly ref: SubjectRef }
  | { readonly t: 'experiments'; readonly project?: string; readonly subject?: string }
  | { readonly t: 'experiment'; readonly ref: ExperimentRef }
  | { readonly t: 'scans'; readonly session: ExperimentRef }
  | { readonly t: 'scan'; readonly session: ExperimentRef; readonly scan: string }
  | { readonly t: 'assessors'; readonly session: ExperimentRef }
  | { readonly t: 'assessor'; readonly session: ExperimentRef; readonly assessor: string }
  | { readonly t: 'shares'; readonly item: SharedItem; readonly dest?: string }
  | { readonly t: 'resources'; readonly owner: OwnerRef }
  | { readonly t: 'resource'; readonly owner: OwnerRef; readonly resource: string }
  | { readonly t: 'files'; readonly owner: OwnerRef; readonly resource?: string; readonly path?: string }
  | { readonly t: 'status'; readonly item: SharedItem }
  | { readonly t: 'unsupported'; readonly what: string }
  | { readonly t: 'invalid'; readonly message: string };

export type SharedItem =
  | { readonly kind: 'subject'; readonly ref: SubjectRef }
  | { readonly kind: 'experiment'; readonly ref: ExperimentRef }
  | { readonly kind: 'assessor'; readonly session: ExperimentRef; readonly assessor: string }
  | { readonly kind: 'scan'; readonly session: ExperimentRef; readonly scan: string };

export type ProjectSetting = 'prearchive_code' | 'quarantine_code' | 'current_arc' | 'accessibility' | 'allow_subject_creation';
const SETTINGS = new Set<string>(['prearchive_code', 'quarantine_code', 'current_arc', 'accessibility', 'allow_subject_creation']);

/** Parses the archive part of a URL; undefined when the first segment is not an archive route. */
export function parseXnatPath(segments: readonly string[]): XnatTarget | undefined {
  const segs = segments[segments.length - 1] === '' && segments.length > 1 && !segments.includes('files') ? segments.slice(0, -1) : [...segments];
  const [head, ...rest] = segs;
  switch (head) {
    case 'projects': return projectChain(rest);
    case 'subjects': return subjectChain(undefined, rest);
    case 'experiments': return experimentChain(undefined, undefined, rest);
    case 'config': return { t: 'config', tool: rest[0] || undefined, path: rest.slice(1).join('/') || undefined };
    default: return undefined;
  }
}

function projectChain(rest: string[]): XnatTarget {
  const [project, next, ...more] = rest;
  if (!project) return { t: 'projects' };
  if (next === undefined) return { t: 'project', project };
  if (SETTINGS.has(next)) return { t: 'projectSetting', project, setting: next as ProjectSetting, value: more[0] };
  switch (next) {
    case 'users': return { t: 'projectUsers', project, group: more[0], users: more[1] };
    case 'config': return { t: 'config', project, tool: more[0] || undefined, path: more.slice(1).join('/') || undefined };
    case 'subjects': return subjectChain(project, more);
    case 'experiments': return experimentChain(project, undefined, more);
    case 'resources':
    case 'files': return resourceChain({ kind: 'project', project }, [next, ...more]);
    default: return { t: 'unsupported', what: `/projects/{ID}/${next}` };
  }
}

function subjectChain(project: string | undefined, rest: string[]): XnatTarget {
  const [subject, next, ...more] = rest;
  if (!subject) return { t: 'subjects', project };
  const ref: SubjectRef = project === undefined ? { subject } : { project, subject };
  if (next === undefined) return { t: 'subject', ref };
  switch (next) {
    case 'projects': return { t: 'shares', item: { kind: 'subject', ref }, dest: more[0] };
    case 'experiments':
      if (project === undefined) return { t: 'invalid', message: 'Experiments of a subject are addressed through its project: /data/projects/{P}/subjects/{S}/experiments' };
      return experimentChain(project, subject, more);
    case 'resources':
    case 'files': return resourceChain({ kind: 'subject', ref }, [next, ...more]);
    case 'status': return { t: 'status', item: { kind: 'subject', ref } };
    default: return { t: 'invalid', message: `Unknown sub-resource '${next}' of a subject` };
  }
}

function experimentChain(project: string | undefined, subject: string | undefined, rest: string[]): XnatTarget {
  const [experiment, next, ...more] = rest;
  if (!experiment) return { t: 'experiments', project, subject };
  const ref: ExperimentRef = { ...(project !== undefined && { project }), ...(subject !== undefined && { subject }), experiment };
  if (next === undefined) return { t: 'experiment', ref };
  switch (next) {
    case 'projects': return { t: 'shares', item: { kind: 'experiment', ref }, dest: more[0] };
    case 'scans': return scanChain(ref, more);
    case 'assessors': return assessorChain(ref, more);
    case 'resources':
    case 'files': return resourceChain({ kind: 'experiment', ref }, [next, ...more]);
    case 'status': return { t: 'status', item: { kind: 'experiment', ref } };
    case 'reconstructions': return { t: 'unsupported', what: 'reconstructions' };
    case 'history': return { t: 'unsupported', what: 'experiment history' };
    default: return { t: 'invalid', message: `Unknown sub-resource '${next}' of an experiment` };
  }
}

function scanChain(session: ExperimentRef, rest: string[]): XnatTarget {
  const [scan, next, ...more] = rest;
  if (!scan) return { t: 'scans', session };
  if (next === undefined) return { t: 'scan', session, scan };
  switch (next) {
    case 'projects': return { t: 'shares', item: { kind: 'scan', session, scan }, dest: more[0] };
    case 'resources':
    case 'files': return resourceChain({ kind: 'scan', session, scan }, [next, ...more]);
    case 'DICOMDIR': return { t: 'unsupported', what: 'DICOMDIR' };
    default: return { t: 'invalid', message: `Unknown sub-resource '${next}' of a scan` };
  }
}

function assessorChain(session: ExperimentRef, rest: string[]): XnatTarget {
  const [assessor, next0, ...more0] = rest;
  if (!assessor) return { t: 'assessors', session };
  // Assessor resources may sit under `in/` or `out/`; both address the assessor's own resources here.
  const [next, ...more] = (next0 === 'in' || next0 === 'out' ? more0 : [next0, ...more0]) as [string | undefined, ...string[]];
  if (next === undefined) return { t: 'assessor', session, assessor };
  switch (next) {
    case 'projects': return { t: 'shares', item: { kind: 'assessor', session, assessor }, dest: more[0] };
    case 'resources':
    case 'files': return resourceChain({ kind: 'assessor', session, assessor }, [next, ...more]);
    default: return { t: 'invalid', message: `Unknown sub-resource '${next}' of an assessor` };
  }
}

function resourceChain(owner: OwnerRef, rest: string[]): XnatTarget {
  const [kind, resource, next, ...more] = rest;
  if (kind === 'files') return { t: 'files', owner, path: [resource, next, ...more].filter((s) => s !== undefined).join('/') || undefined };
  if (!resource) return { t: 'resources', owner };
  if (next === undefined || (next === '' && more.length === 0)) return { t: 'resource', owner, resource };
  if (next === 'files') return { t: 'files', owner, resource, path: more.join('/') || undefined };
  return { t: 'invalid', message: 'This resource works at the catalog level only; address files as .../resources/{R}/files/{path}' };
}
