/** Accession numbers as XNAT forms them: `{siteId}_S00001` for subjects, `{siteId}_E00001` for experiments. */
export type AccessionKind = 'subject' | 'experiment';

const LETTER: Record<AccessionKind, string> = { subject: 'S', experiment: 'E' };

export function formatAccession(siteId: string, kind: AccessionKind, n: number): string {
  return `${siteId}_${LETTER[kind]}${String(n).padStart(5, '0')}`;
}
