import { Badge } from '../../components/status.tsx';
import type { Transfer } from '../../xnat/transfers.ts';

const WORDS: Record<Transfer['state'], string> = { queued: 'Queued', running: 'Running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' };

export function TransferStateBadge({ transfer }: { readonly transfer: Transfer }) {
  const tone = transfer.state === 'succeeded' ? 'ok' : transfer.state === 'failed' ? 'warn' : 'plain';
  return <Badge tone={tone}>{WORDS[transfer.state]}{transfer.state === 'running' ? ` · ${transfer.progress.percent}%` : ''}</Badge>;
}

export const isActive = (t: Transfer) => t.state === 'queued' || t.state === 'running';
