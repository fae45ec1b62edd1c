/** A file to fetch: where it is on the server and where it goes locally. */
export interface RemoteFile {
  /** `/data/...` path or absolute URL on the same server. */
  readonly url: string;
  /** Path below the output folder, '/'-separated. */
  readonly localPath: string;
  /** Size the server lists, when it does. */
  readonly size?: number;
  /** MD5 the server lists ('' or undefined when checksums are off). */
  readonly md5?: string;
  /** For the summary: the session and scan the file belongs to. */
  readonly session?: string;
  readonly scan?: string;
}

/** `/data/experiments/E/scans/1/resources/57/files/a/b.dcm` → scan `1`, path `a/b.dcm`. */
export function parseFileUri(uri: string): { scan?: string; path: string } | undefined {
  const files = uri.indexOf('/files/');
  if (files < 0) return undefined;
  const path = uri.slice(files + '/files/'.length).split('/').map(decodeURIComponent).join('/');
  const scan = /\/scans\/([^/]+)\/resources\//.exec(uri.slice(0, files))?.[1];
  return { scan: scan === undefined ? undefined : decodeURIComponent(scan), path };
}

/** XNAT lists multi-resource file URIs without the `/data` prefix (xnat-api.md §3.8). */
export function dataPath(uri: string): string {
  if (/^https?:\/\//.test(uri) || /^\/(data|REST)\//.test(uri)) return uri;
  return `/data/${uri.replace(/^\/+/, '').replace(/^archive\//, '')}`;
}
