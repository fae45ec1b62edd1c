/** Display helpers shared by the pages. */

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? singular : plural}`;
}

/** "3 minutes ago", "yesterday", or the date for anything older than a week. */
export function timeAgo(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return '';
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return then.toISOString().slice(0, 10);
}

/** XNAT type names for people: `xnat:mrSessionData` → `MR session`. */
export function describeType(xsiType: string): string {
  const m = /^xnat:(\w+?)(Session|Scan)Data$/.exec(xsiType);
  if (!m) return xsiType.replace(/^xnat:/, '').replace(/Data$/, '');
  const modality = m[1] === 'otherDicom' ? 'Other DICOM' : m[1] === 'petmr' ? 'PET/MR' : (m[1] as string).toUpperCase();
  return `${modality} ${(m[2] as string).toLowerCase()}`;
}

/** Ends a server message as a sentence, so errors read naturally next to the control that caused them. */
export function asSentence(message: string): string {
  const text = message.trim().replace(/\s+/g, ' ');
  if (!text) return text;
  const first = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?:]$/.test(first) ? first : `${first}.`;
}
