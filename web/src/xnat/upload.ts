import { ApiError, getCsrfToken } from './http.ts';
import { asSentence } from '../lib/format.ts';
import { messageOfBody } from '../lib/server-message.ts';

export interface UploadOptions {
  readonly project: string;
  /** Labels to use instead of the ones read from the DICOM headers. */
  readonly subject?: string;
  readonly session?: string;
  readonly ignoreUnparsable: boolean;
  readonly destination: 'prearchive' | 'archive';
}

export interface UploadHandle {
  /** The URIs the server answers with (text/uri-list): prearchive entries or archived sessions. */
  readonly done: Promise<string[]>;
  abort(): void;
}

const TYPES: readonly [RegExp, string][] = [[/\.zip$/i, 'application/zip'], [/\.(tar\.gz|tgz)$/i, 'application/gzip'], [/\.tar$/i, 'application/x-tar']];

/**
 * The compressed uploader (xnat-api.md §7): one archive streamed to POST /data/services/import with
 * the DICOM-zip handler. XMLHttpRequest rather than fetch, because only it reports upload progress.
 */
export function uploadArchive(file: File, options: UploadOptions, onProgress: (sent: number, total: number) => void): UploadHandle {
  const params = new URLSearchParams({
    'import-handler': 'DICOM-zip', PROJECT_ID: options.project, 'Ignore-Unparsable': String(options.ignoreUnparsable),
    dest: `/${options.destination}/projects/${options.project}`, overwrite: 'none',
  });
  if (options.subject) params.set('SUBJECT_ID', options.subject);
  if (options.session) params.set('EXPT_LABEL', options.session);
  const xhr = new XMLHttpRequest();
  const done = new Promise<string[]>((resolve, reject) => {
    xhr.open('POST', `/data/services/import?${params}`);
    xhr.setRequestHeader('Content-Type', TYPES.find(([re]) => re.test(file.name))?.[1] ?? (file.type || 'application/octet-stream'));
    const csrfToken = getCsrfToken();
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.responseText.split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
      else reject(new ApiError(xhr.status, asSentence(messageOfBody(xhr.responseText, xhr.getResponseHeader('content-type')) || `The upload was refused (HTTP ${xhr.status})`)));
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted: the server could not be reached.'));
    xhr.onabort = () => reject(new ApiError(0, 'The upload was cancelled.'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** Where an import result URI is shown in the UI. */
export function uiPathOfImportUri(uri: string): string | undefined {
  const clean = uri.replace(/^https?:\/\/[^/]+/, '').replace(/^\/data/, '');
  const pre = /^\/prearchive\/projects\/([^/]+)\/([^/]+)\/([^/]+)/.exec(clean);
  if (pre) return `/prearchive/${pre[1]}/${pre[2]}/${pre[3]}`;
  const arc = /^\/(?:archive\/)?projects\/([^/]+)\/subjects\/[^/]+\/experiments\/([^/]+)/.exec(clean);
  if (arc) return `/projects/${arc[1]}/experiments/${arc[2]}`;
  return undefined;
}
