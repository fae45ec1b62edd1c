import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { detectArchiveKind } from '../../archive/archive-reader.js';
import type { IncomingFile, PrearchiveStore } from '../../archive/prearchive-store.js';
import { isDicom } from '../../dicom/dicom-header.js';
import { AppError, invalidInput, notFound, notImplemented } from '../../domain/errors.js';
import { parseOverwrite } from '../../domain/prearchive.js';
import type { IngestInput, IngestOptions, IngestOutcome } from '../../services/ingest/ingest-request.js';
import type { IngestService } from '../../services/ingest/ingest.service.js';
import type { XnatContext } from './context.js';
import type { XnatRouter } from './router.js';

const HANDLERS = ['dicom-zip', 'si', 'gradual-dicom'];

/**
 * `POST /data/services/import` (xnat-api.md §7): one archive (DICOM-zip, SI) or one instance
 * (gradual-DICOM) as the raw body or one multipart file; answers the session URIs as text/uri-list.
 */
export function registerImportRoutes(router: XnatRouter, deps: { ingest: IngestService; store: PrearchiveStore; maxUploadBytes: number }): void {
  router.special(['services', 'import'], async (ctx, rest) => {
    if (rest.length > 0) throw notFound(`No such service: /services/import/${rest.join('/')}`);
    if (ctx.method !== 'POST') throw new AppError('invalid_input', `Use POST for /services/import (got ${ctx.method})`);
    const contentType = String(ctx.request.headers['content-type'] ?? '').toLowerCase();
    const named = ctx.params.get('import-handler');
    const handler = (named ?? (contentType.startsWith('application/dicom') ? 'gradual-DICOM' : 'DICOM-zip')).toLowerCase();
    if (handler === 'xar' || handler === 'inbox' || handler === 'automation') throw notImplemented(`The ${named} import handler is not available on this server; use DICOM-zip or gradual-DICOM`);
    if (!HANDLERS.includes(handler)) throw notFound(`Unknown import handler '${named}': use DICOM-zip, SI or gradual-DICOM`);
    const options = importOptions(ctx);
    const upload = await receiveBody(ctx, deps.store, deps.maxUploadBytes);
    let input: IngestInput;
    try {
      const format = await detectArchiveKind(upload.file.path);
      if (handler === 'gradual-dicom' || (!format && (await startsAsDicom(upload.file.path)))) {
        input = { kind: 'instance', file: upload.file.path, name: upload.name, size: upload.file.size, md5: upload.file.md5 };
      } else if (!format) {
        throw invalidInput(`${upload.name} is not a zip, tar or tar.gz archive of DICOM files (nor a DICOM file)`);
      } else {
        input = { kind: 'archive', file: upload.file.path, format };
      }
    } catch (e) {
      await deps.store.discard(upload.file.path);
      throw e;
    }
    let outcome: IngestOutcome;
    try {
      outcome = await deps.ingest.ingest(ctx.actor, input, options);
    } finally {
      if (input.kind === 'archive') await deps.store.discard(upload.file.path);
    }
    const problems = outcome.sessions.filter((s) => s.problem);
    if (problems.length > 0) {
      const first = problems[0]!.problem!;
      const text = problems.map((s) => `${s.problem!.message} (the session waits in the prearchive: /data${s.uri})`).join('\n');
      throw new AppError(first.status === 'ERROR' ? 'internal' : 'conflict', text);
    }
    const uris = [...new Set(outcome.sessions.map((s) => `/data${s.uri}`))];
    if (ctx.params.get('format')?.toLowerCase() === 'txt') return void (await ctx.reply.code(200).type('text/plain; charset=utf-8').send(uris.join('\n')));
    await ctx.reply.code(200).type('text/uri-list').send(uris.map((u) => `${u}\r\n`).join(''));
  });
}

/** The parameters XNAT's importers read (upper-case names, DICOM-zip's lower-case ones, dest). */
function importOptions(ctx: XnatContext): IngestOptions {
  const p = ctx.params;
  const dest = parseDest(p.get('dest'));
  const project = p.first('PROJECT_ID', 'project') || dest.project;
  const subject = p.first('SUBJECT_ID', 'subject') || dest.subject;
  const session = p.first('EXPT_LABEL', 'session', 'label') || dest.session;
  const aa = p.first('auto-archive', 'AA');
  const archiveDirectly = p.get('prearchive_code') === '1';
  return {
    project: project || undefined,
    subject: subject || undefined,
    session: session || undefined,
    destination: archiveDirectly ? 'archive' : dest.destination,
    overwrite: parseOverwrite(p.first('overwrite', 'override')),
    ignoreUnparsable: p.bool('Ignore-Unparsable') ?? false,
    autoArchive: aa === undefined || aa === '' ? undefined : /^t(rue)?$/i.test(aa),
    preventAnon: p.bool('prevent_anon') ?? false,
    preventAutoCommit: (p.bool('prevent_auto_commit') ?? false) || p.get('SOURCE')?.toLowerCase() === 'uploader',
    source: p.get('SOURCE') || 'upload',
  };
}

/** `dest=/prearchive[/projects/P]` or `/archive[/projects/P[/subjects/S[/experiments/E]]]`, with or without /data. */
function parseDest(dest: string | undefined): { destination?: 'prearchive' | 'archive'; project?: string; subject?: string; session?: string } {
  if (!dest) return {};
  const clean = dest.trim().replace(/^\/(data|REST)(?=\/)/i, '');
  const pre = /^\/prearchive(?:\/projects\/([^/]+)(?:\/.*)?)?\/?$/i.exec(clean);
  if (pre) return { destination: 'prearchive', project: pre[1] && decodeURIComponent(pre[1]) };
  const arc = /^\/archive(?:\/projects\/([^/]+)(?:\/subjects\/([^/]+)(?:\/experiments\/([^/]+))?)?)?\/?$/i.exec(clean);
  if (arc) return { destination: 'archive', project: arc[1] && decodeURIComponent(arc[1]), subject: arc[2] && decodeURIComponent(arc[2]), session: arc[3] && decodeURIComponent(arc[3]) };
  throw invalidInput(`Unknown dest '${dest}': use /prearchive, /prearchive/projects/{ID}, /archive or /archive/projects/{ID}[/subjects/{S}[/experiments/{E}]]`);
}

/** The one uploaded file: a multipart part or the raw body, written to the prearchive's incoming area. */
async function receiveBody(ctx: XnatContext, store: PrearchiveStore, maxBytes: number): Promise<{ file: IncomingFile; name: string }> {
  const type = String(ctx.request.headers['content-type'] ?? '');
  if (/^multipart\/form-data/i.test(type)) {
    let received: { file: IncomingFile; name: string } | undefined;
    try {
      for await (const part of ctx.request.parts()) {
        if (part.type !== 'file') continue;
        if (received) {
          part.file.resume();
          throw invalidInput('Importer is limited to one uploaded resource at a time.');
        }
        received = { file: await store.receive(part.file as Readable, maxBytes), name: part.filename || 'upload' };
      }
    } catch (e) {
      if (received) await store.discard(received.file.path);
      throw e;
    }
    if (!received) throw invalidInput('Unable to identify upload format: the multipart body holds no file');
    return received;
  }
  const length = ctx.request.headers['content-length'];
  const chunked = /chunked/i.test(String(ctx.request.headers['transfer-encoding'] ?? ''));
  if ((length === undefined || length === '0') && !chunked) throw invalidInput('Unable to identify upload format: send the file as the body or as one multipart/form-data file');
  const file = await store.receive(ctx.request.raw, maxBytes);
  if (file.size === 0) {
    await store.discard(file.path);
    throw invalidInput('Unable to identify upload format: the body is empty');
  }
  return { file, name: 'upload' };
}

async function startsAsDicom(file: string): Promise<boolean> {
  const handle = await fsp.open(file, 'r');
  try {
    const head = Buffer.alloc(132);
    const { bytesRead } = await handle.read(head, 0, 132, 0);
    return isDicom(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
