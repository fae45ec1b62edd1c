import fs from 'node:fs';
import { AppError, invalidInput, notFound, notImplemented } from '../../domain/errors.js';
import { listingTime, parseOverwrite, prearchiveUri, type PrearchiveSession } from '../../domain/prearchive.js';
import type { PrearchiveService } from '../../services/ingest/prearchive.service.js';
import { reasonOf, sendTable, sendText, type XnatContext } from './context.js';
import type { Row } from './result-set.js';
import type { XnatRouter } from './router.js';

const COLUMNS = ['project', 'timestamp', 'lastmod', 'uploaded', 'scan_date', 'scan_time', 'subject', 'folderName', 'name', 'tag', 'status', 'url', 'autoarchive', 'prevent_anon', 'prevent_auto_commit', 'SOURCE', 'VISIT', 'PROTOCOL', 'TIMEZONE', 'message', 'scan_count', 'file_count', 'file_size'];

/**
 * The prearchive REST (xnat-api.md §8): listings, one session with its scans, files and log, the
 * per-session actions, the batch services, and archiving (POST /services/archive, and PUT of an
 * experiment with `src=`).
 */
export function registerPrearchiveRoutes(router: XnatRouter, prearchive: PrearchiveService): void {
  router.special(['prearchive'], async (ctx, segments) => {
    const rest = segments.filter((s) => s !== '');
    if (rest.length === 0) {
      if (ctx.method === 'PUT') throw notImplemented('Rebuilding the whole prearchive table from disk is not available; rebuild sessions one by one (POST /data/services/prearchive/rebuild)');
      requireMethod(ctx, 'GET');
      return listing(ctx, prearchive, await prearchive.list(ctx.actor, undefined, { studyUid: ctx.params.get('tag') || undefined }));
    }
    if (rest[0]?.toLowerCase() !== 'projects') throw notFound(`No such prearchive resource: /prearchive/${rest.join('/')}`);
    if (rest.length === 1) {
      requireMethod(ctx, 'GET');
      return listing(ctx, prearchive, await prearchive.list(ctx.actor, undefined));
    }
    if (rest.length === 2) {
      requireMethod(ctx, 'GET');
      return listing(ctx, prearchive, await prearchive.list(ctx.actor, (rest[1] as string).split(',').filter(Boolean)));
    }
    if (rest.length < 4) throw notFound(`No such prearchive resource: /prearchive/${rest.join('/')}`);
    const address = { projectKey: rest[1] as string, timestamp: rest[2] as string, folder: rest[3] as string };
    const session = await prearchive.get(ctx.actor, address);
    const more = rest.slice(4);
    if (more.length === 0) return sessionRoute(ctx, prearchive, session);
    requireMethod(ctx, 'GET');
    if (more[0] === 'logs') {
      const log = session.message ?? `${session.status}`;
      return sendText(ctx, 200, more[1] === 'last' ? log : `${listingTime(session.lastModified)} ${log}`);
    }
    if (more[0] !== 'scans') throw notFound(`No such prearchive resource: ${more.join('/')}`);
    const scans = await prearchive.scans(session);
    if (more.length === 1) {
      return sendTable(ctx, { columns: ['ID', 'xsiType', 'series_description', 'file_count', 'file_size'], rows: scans.map((s) => ({
        ID: s.scanId, xsiType: s.xsiType, series_description: s.fields.series_description ?? '', file_count: String(s.fileCount), file_size: String(s.fileSize),
      })), title: 'Scans' });
    }
    const scan = scans.find((s) => s.scanId === more[1]);
    if (!scan) throw notFound(`No scan ${more[1]} in prearchive session ${session.folder}`);
    if (more.length === 3 && more[2] === 'resources') {
      return sendTable(ctx, { columns: ['label', 'format', 'file_count', 'file_size'], rows: [{ label: 'DICOM', format: 'DICOM', file_count: String(scan.fileCount), file_size: String(scan.fileSize) }], title: 'Resources' });
    }
    if (more.length === 5 && more[2] === 'resources' && more[3] === 'DICOM' && more[4] === 'files') {
      const files = await prearchive.files(session, scan.scanId);
      const base = `/data${prearchiveUri(session)}/scans/${scan.scanId}/resources/DICOM/files`;
      return sendTable(ctx, { columns: ['Name', 'Size', 'URI', 'digest'], rows: files.map((f) => ({ Name: f.name, Size: String(f.size), URI: `${base}/${f.name}`, digest: f.md5 })), title: 'Files' });
    }
    if (more.length === 6 && more[2] === 'resources' && more[3] === 'DICOM' && more[4] === 'files') {
      const file = (await prearchive.files(session, scan.scanId)).find((f) => f.name === more[5]);
      if (!file) throw notFound(`No file ${more[5]} in scan ${scan.scanId}`);
      ctx.reply.header('Content-Disposition', `attachment; filename="${file.name}"`);
      return void (await ctx.reply.code(200).type('application/dicom').send(fs.createReadStream(prearchive.filePath(session, scan, file.name))));
    }
    throw notFound(`No such prearchive resource: ${more.join('/')}`);
  });

  router.special(['services', 'prearchive'], async (ctx, rest) => {
    requireMethod(ctx, 'POST');
    const action = rest[0]?.toLowerCase();
    const sources = sourcesOf(ctx);
    if (sources.length === 0) throw invalidInput('Name the prearchive sessions with src=/prearchive/projects/{project}/{timestamp}/{session}');
    const sessions: PrearchiveSession[] = [];
    for (const src of sources) sessions.push(await prearchive.getByUri(ctx.actor, src));
    const out: PrearchiveSession[] = [];
    for (const session of sessions) {
      if (action === 'move') {
        const newProject = ctx.params.first('newProject', 'new_project');
        if (!newProject) throw invalidInput('Name the project to move to with newProject=');
        out.push(await prearchive.move(ctx.actor, session, newProject));
      } else if (action === 'rebuild') {
        out.push(await prearchive.rebuild(session));
      } else if (action === 'delete') {
        await prearchive.delete(ctx.actor, session);
        out.push({ ...session, status: 'DELETING' });
      } else {
        throw notFound(`Unknown prearchive service '${rest[0] ?? ''}': use move, rebuild or delete`);
      }
    }
    return listing(ctx, prearchive, out);
  });

  router.special(['services', 'archive'], async (ctx, rest) => {
    if (rest.length > 0) throw notFound(`No such service: /services/archive/${rest.join('/')}`);
    requireMethod(ctx, 'POST');
    const sources = sourcesOf(ctx);
    if (sources.length === 0) {
      const project = ctx.params.get('project');
      const ts = ctx.params.get('PREARC_TIMESTAMP');
      const folder = ctx.params.get('PREARC_SESSION_FOLDER');
      if (project && ts && folder) sources.push(`/prearchive/projects/${project}/${ts}/${folder}`);
    }
    if (sources.length === 0) throw invalidInput('Name the prearchive session with src=/prearchive/projects/{project}/{timestamp}/{session}');
    const uris: string[] = [];
    for (const src of sources) uris.push(await archiveOne(ctx, prearchive, src, {}));
    if (ctx.params.bool('redirect')) return void (await ctx.reply.code(303).header('Location', `${ctx.siteUrl}/data${uris[0]}`).send(''));
    await ctx.reply.code(200).type('text/uri-list').send(uris.map((u) => `${u}\r\n`).join(''));
  });

  // PUT /data/projects/P/subjects/S/experiments/E?src=/prearchive/...: archive into that label.
  const experimentHandlers = router.handlersFor('experiment');
  const corePut = experimentHandlers?.PUT as ((ctx: XnatContext, t: never) => Promise<void>) | undefined;
  router.on('experiment', {
    PUT: async (ctx, t) => {
      const src = ctx.params.get('src');
      if (!src || !/prearchive/.test(src)) {
        if (!corePut) throw notFound('No handler for this experiment');
        return corePut(ctx, t as never);
      }
      if (t.ref.project === undefined) throw invalidInput('Archive into a project: PUT /data/projects/{P}/subjects/{S}/experiments/{label}?src=...');
      const session = await prearchive.getByUri(ctx.actor, src);
      if (session.projectId !== null && session.projectId.toLowerCase() !== t.ref.project.toLowerCase()) {
        throw invalidInput(`The prearchive session belongs to project ${session.projectId}; move it to ${t.ref.project} first`);
      }
      const uri = await archiveOne(ctx, prearchive, src, { subject: t.ref.subject, label: t.ref.experiment });
      await ctx.reply.code(200).type('text/uri-list').send(`${uri}\r\n`);
    },
  });
}

async function archiveOne(ctx: XnatContext, prearchive: PrearchiveService, src: string, labels: { subject?: string; label?: string }): Promise<string> {
  const session = await prearchive.getByUri(ctx.actor, src);
  const p = ctx.params;
  const archived = await prearchive.archive(ctx.actor, session, {
    subject: labels.subject ?? (p.first('subject', 'SUBJECT_ID') || undefined),
    label: labels.label ?? (p.first('session', 'EXPT_LABEL', 'label') || undefined),
    overwrite: parseOverwrite(p.first('overwrite', 'override')) ?? (p.bool('overwrite_files') ? 'delete' : 'none'),
    reason: reasonOf(ctx),
  });
  return archived.uri;
}

async function sessionRoute(ctx: XnatContext, prearchive: PrearchiveService, session: PrearchiveSession): Promise<void> {
  if (ctx.method === 'GET') {
    const format = ctx.params.get('format')?.toLowerCase();
    if (format === 'zip' || format === 'xml') throw notImplemented(`format=${format} of a prearchive session is not available; list its scans and files instead`);
    return listing(ctx, prearchive, [session]);
  }
  if (ctx.method === 'DELETE') {
    await prearchive.delete(ctx.actor, session);
    return sendText(ctx, 200, '');
  }
  requireMethod(ctx, 'POST');
  const action = ctx.params.get('action')?.toLowerCase();
  switch (action) {
    case 'build':
    case 'rebuild': {
      const built = action === 'build' ? await prearchive.build(session) : await prearchive.rebuild(session);
      return void (await ctx.reply.code(200).type('text/uri-list').send(`/data${prearchiveUri(built)}\r\n`));
    }
    case 'commit': {
      const outcome = await prearchive.commit(ctx.actor, session);
      if (outcome.problem) throw new AppError(outcome.problem.status === 'ERROR' ? 'internal' : 'conflict', outcome.problem.message);
      // XNAT answers an archived commit with 301 and the URI as the body, without Location (DXM relies on it).
      if (outcome.archived) return void (await ctx.reply.code(301).type('text/plain; charset=utf-8').send(`/data${outcome.uri}`));
      return void (await ctx.reply.code(200).type('text/uri-list').send(`/data${outcome.uri}\r\n`));
    }
    case 'move': {
      const newProject = ctx.params.first('newProject', 'new_project');
      if (!newProject) throw invalidInput('Name the project to move to with newProject=');
      const moved = await prearchive.move(ctx.actor, session, newProject);
      return void (await ctx.reply.code(301).type('text/plain; charset=utf-8').send(`/data${prearchiveUri(moved)}`));
    }
    case 'archive': {
      const uri = await archiveOne(ctx, prearchive, prearchiveUri(session), {});
      return void (await ctx.reply.code(200).type('text/uri-list').send(`${uri}\r\n`));
    }
    default:
      throw invalidInput(`Unknown action '${action ?? ''}': use build, rebuild, commit, move or archive`);
  }
}

async function listing(ctx: XnatContext, prearchive: PrearchiveService, sessions: readonly PrearchiveSession[]): Promise<void> {
  const counts = await prearchive.counts(sessions);
  await sendTable(ctx, { columns: COLUMNS, rows: sessions.map((s) => row(s, counts.get(s.id))), title: 'Prearchive' });
}

function row(s: PrearchiveSession, counts: { scans: number; files: number; bytes: number } | undefined): Row {
  return {
    project: s.projectKey, timestamp: s.timestamp, lastmod: listingTime(s.lastModified), uploaded: listingTime(s.uploaded), scan_date: s.scanDate ?? '',
    scan_time: s.scanTime ?? '', subject: s.subject, folderName: s.folder, name: s.label, tag: s.studyUid, status: s.status, url: prearchiveUri(s),
    autoarchive: s.autoArchive ?? '', prevent_anon: String(s.preventAnon), prevent_auto_commit: String(s.preventAutoCommit), SOURCE: s.source,
    VISIT: '', PROTOCOL: '', TIMEZONE: '', message: s.message ?? '',
    scan_count: String(counts?.scans ?? 0), file_count: String(counts?.files ?? 0), file_size: String(counts?.bytes ?? 0),
  };
}

/** The prearchive sessions named by `src` (repeated, or comma-separated). */
function sourcesOf(ctx: XnatContext): string[] {
  return ctx.params.all('src').flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

function requireMethod(ctx: XnatContext, method: string): void {
  if (ctx.method !== method) throw new AppError('invalid_input', `Use ${method} here (got ${ctx.method})`);
}
