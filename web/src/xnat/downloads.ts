import { call, enc, getRows } from './http.ts';

export interface DownloadRequest {
  /** `project:subject:label:ID` per session (xnat-api.md §9.3). */
  readonly sessions: readonly string[];
  readonly scanTypes: readonly string[];
  readonly scanFormats: readonly string[];
  readonly options: readonly ('simplified' | 'projectIncludedInPath' | 'subjectIncludedInPath')[];
}

/** Asks the server for a download catalog; returns its id. */
export async function createDownload(request: DownloadRequest): Promise<string> {
  const response = await call('POST', '/xapi/archive/download', {
    body: JSON.stringify({ sessions: request.sessions, scan_types: request.scanTypes, scan_formats: request.scanFormats, options: request.options }),
    contentType: 'application/json',
  });
  return (await response.text()).trim();
}

export const downloadUrl = (id: string, format: 'zip' | 'xml') => `/xapi/archive/download/${enc(id)}/${format}`;

/** Scan types and resource formats present in the chosen sessions (from their scans' resource listings). */
export async function scanTypesAndFormats(sessionIds: readonly string[], signal?: AbortSignal): Promise<{ types: string[]; formats: string[] }> {
  const types = new Set<string>();
  const formats = new Set<string>();
  const queue = [...sessionIds];
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      for (const r of await getRows(`/data/experiments/${enc(id)}/scans/ALL/resources`, {}, signal)) {
        if (r.category !== 'scans') continue;
        if (r.cat_desc) types.add(r.cat_desc);
        if (r.label) formats.add(r.label);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, queue.length) }, worker));
  return { types: [...types].sort(), formats: [...formats].sort() };
}
