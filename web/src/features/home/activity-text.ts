import { path } from '../../app/router.tsx';
import type { ActivityEvent } from '../../xnat/activity.ts';

/** A feed entry in words: `before`, then the item (a link to its page while it exists), then `after`. */
export interface ActivityLine {
  readonly before: string;
  readonly item: string;
  readonly after: string;
  readonly to?: string;
}

const VERBS: Record<string, string> = {
  create: 'created', update: 'updated', delete: 'deleted', rename: 'renamed', share: 'shared', unshare: 'unshared', 'change-owner': 'moved',
  copy: 'copied', move: 'moved', archive: 'archived', import: 'imported',
};

const NOUNS: Record<string, string> = { subject: 'subject', experiment: 'session', scan: 'scan', project: 'project', resource: 'resource', config: 'configuration' };

/** One feed entry, with a link straight to the data it is about. */
export function describeActivity(e: ActivityEvent): ActivityLine {
  const d = e.details ?? {};
  const project = e.projectId ?? '';
  const label = e.label ?? e.entityId;
  const projectLink = project ? path('projects', project) : undefined;
  switch (e.action) {
    case 'add-member': return { before: `added ${String(d.user)} to `, item: project, after: ` as ${String(d.role)}`, to: projectLink };
    case 'remove-member': return { before: `removed ${String(d.user)} from `, item: project, after: '', to: projectLink };
    case 'set-accessibility': return { before: 'made ', item: project, after: ` ${String(d.to)}`, to: projectLink };
    case 'upload': {
      const count = Number(d.count ?? 0);
      return { before: `uploaded ${count} file${count === 1 ? '' : 's'} to `, item: String(d.owner ?? label), after: project ? ` in ${project}` : '', to: ownerLink(project, d) };
    }
    case 'delete-files': return { before: 'deleted files of ', item: String(d.owner ?? label), after: project ? ` in ${project}` : '', to: ownerLink(project, d) };
    default: break;
  }
  const verb = VERBS[e.action] ?? e.action;
  const gone = e.action === 'delete' || e.action === 'unshare';
  if (e.entityType === 'project') return { before: `${verb} project `, item: e.entityId, after: '', to: gone ? undefined : path('projects', e.entityId) };
  const noun = NOUNS[e.entityType] ?? e.entityType;
  const after = project ? ` in ${project}` : '';
  if (gone || !project) return { before: `${verb} ${noun} `, item: label, after };
  switch (e.entityType) {
    case 'subject': return { before: `${verb} subject `, item: label, after, to: path('projects', project, 'subjects', e.entityId) };
    case 'experiment': return { before: `${verb} session `, item: label, after, to: path('projects', project, 'experiments', e.entityId) };
    case 'scan': return { before: `${verb} scan `, item: label, after, to: path('projects', project, 'experiments', e.entityId.split('/')[0] ?? '') };
    case 'resource': return { before: `${verb} resource `, item: label, after, to: ownerLink(project, d) };
    case 'config': return { before: `${verb} the `, item: `${e.entityId.split('/')[0]} configuration`, after, to: path('projects', project) + '?tab=settings' };
    default: return { before: `${verb} ${noun} `, item: label, after, to: projectLink };
  }
}

function ownerLink(project: string, d: Record<string, unknown>): string | undefined {
  if (!project) return undefined;
  if (typeof d.experimentId === 'string') return path('projects', project, 'experiments', d.experimentId);
  if (typeof d.subjectId === 'string') return path('projects', project, 'subjects', d.subjectId);
  return path('projects', project);
}
