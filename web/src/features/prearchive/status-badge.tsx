import { Badge } from '../../components/status.tsx';

const WORDS: Record<string, string> = {
  READY: 'Ready', RECEIVING: 'Receiving', BUILDING: 'Building', CONFLICT: 'Conflict', ERROR: 'Error', ARCHIVING: 'Archiving', MOVING: 'Moving', DELETING: 'Deleting',
};

/** XNAT's prearchive statuses in words; `_X` (in progress) and `QUEUED_X` read as X. */
export function StatusBadge({ status }: { readonly status: string }) {
  const base = status.replace(/^_|^QUEUED_/, '');
  const tone = base === 'READY' ? 'ok' : base === 'CONFLICT' || base === 'ERROR' ? 'warn' : 'plain';
  return <Badge tone={tone}>{WORDS[base] ?? base}{status.startsWith('QUEUED_') ? ' (queued)' : ''}</Badge>;
}
