import { path } from '../../app/router.tsx';
import type { ActivityEvent } from '../../xnat/activity.ts';

export interface ActivityLine {
  readonly text: string;
  /** The item's page, when it still makes sense to go there. */
  readonly to?: string;
  readonly linkText?: string;
}

const VERBS: Record<string, string> = {
  create: 'created', update: 'updated', delete: 'deleted', rename: 'renamed', share: 'shared', unshare: 'unshared', 'change-owner': 'moved',
  copy: 'copied', move: 'moved', archive: 'archived', import: 'imported',
};

const NOUNS: Record<string, string> = { subject: 'subject', experiment: 'session', scan: 'scan', project: 'project', resource: 'resource', config: 'configuration' };

/** One feed entry in words, with a link straight to the data it is about. */
export function describeActivity(e: ActivityEvent): ActivityLine {
  const d = e.details ?? {};
  const project = e.projectId ?? '';
  const label = e.label ?? e.entityId;
  const gone = e.action === 'delete' || e.action === 'unshare';
  switch (e.action) {
    case 'add-member': return { text: `added ${String(d.user)} to ${project} as ${String(d.role)}`, to: path('projects', project), linkText: project };
    case 'remove-member': return { text: `removed ${String(d.user)} from ${project}`, to: path('projects', project), linkText: project };
    case 'set-accessibility': return { text: `made ${project} ${String(d.to)}`, to: path('projects', project), linkText: project };
    case 'upload': {
      const count = Number(d.count ?? 0);
      return { text: `uploaded ${count} file${count === 1 ? '' : 's'} to ${String(d.owner ?? label)}`, ...linkToOwner(project, d), linkText: String(d.owner ?? label) };
    }
    case 'delete-files': return { text: `deleted files of ${String(d.owner ?? label)}`, ...linkToOwner(project, d) };
    default: break;
  }
  const verb = VERBS[e.action] ?? e.action;
  const noun = NOUNS[e.entityType] ?? e.entityType;
  if (e.entityType === 'project') {
    return gone ? { text: `${verb} project ${e.entityId}` } : { text: `${verb} project ${e.entityId}`, to: path('projects', e.entityId), linkText: e.entityId };
  }
  const where = project ? ` in ${project}` : '';
  if (gone || !project) return { text: `${verb} ${noun} ${label}${where}` };
  switch (e.entityType) {
    case 'subject': return { text: `${verb} subject ${label}${where}`, to: path('projects', project, 'subjects', e.entityId), linkText: label };
    case 'experiment': return { text: `${verb} session ${label}${where}`, to: path('projects', project, 'experiments', e.entityId), linkText: label };
    case 'scan': {
      const [session] = e.entityId.split('/');
      return { text: `${verb} scan ${label}${where}`, to: path('projects', project, 'experiments', session ?? ''), linkText: label };
    }
    case 'resource': return { text: `${verb} resource ${label}${where}`, ...linkToOwner(project, d), linkText: label };
    default: return { text: `${verb} ${noun} ${label}${where}`, to: path('projects', project) };
  }
}

function linkToOwner(project: string, d: Record<string, unknown>): { to?: string } {
  if (!project) return {};
  if (typeof d.experimentId === 'string') return { to: path('projects', project, 'experiments', d.experimentId) };
  if (typeof d.subjectId === 'string') return { to: path('projects', project, 'subjects', d.subjectId) };
  return { to: path('projects', project) };
}
