import crypto from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { ClientError } from '../client/errors.js';
import { HttpError, type XnatClient } from '../client/xnat-client.js';
import { runPool } from '../client/pool.js';
import type { SessionPlan } from './plan.js';
import { fileKey, type ResourceOwnerKey, type SourceFile } from './source-session.js';
import { listDestFiles, sameContent, verifyCopy } from './verify-copy.js';

export interface CopyResult {
  readonly plan: SessionPlan;
  readonly destId: string;
  readonly scansCreated: number;
  readonly filesCopied: number;
  readonly bytesCopied: number;
  /** Files the destination already had with the same content (merges, reruns). */
  readonly filesPresent: number;
  readonly verified: number;
  readonly failures: readonly string[];
}

const ATTEMPTS = 3;

/**
 * Copies one session between servers through the REST API: subject, session and scans are created with
 * their descriptive fields (PUT), resources with their format and content, and every file is streamed
 * from the source GET straight into the destination PUT (no temporary copy) with its MD5 computed on the
 * way. Afterwards the destination is listed again and each file is checked: present, same size, same MD5.
 */
export async function copySession(source: XnatClient, dest: XnatClient, project: string, plan: SessionPlan, options: { overwrite: boolean; parallel: number; onBytes: (n: number) => void }): Promise<CopyResult> {
  const s = plan.source;
  const p = encodeURIComponent(project);
  if (plan.state === 'new' && !plan.subjectExists) {
    await dest.request('PUT', `/data/projects/${p}/subjects/${encodeURIComponent(plan.destSubject)}`, { query: s.subjectFields, accept: [200, 201, 409] });
  }
  const destId = plan.existingId ?? (await createSession(dest, project, plan));
  const base = `/data/projects/${p}/experiments/${encodeURIComponent(destId)}`;
  const existingScans = new Set((await dest.rowsOrNone(`${base}/scans`, { columns: 'ID' })).map((r) => r.ID ?? ''));
  let scansCreated = 0;
  for (const scan of s.scans.filter((sc) => !existingScans.has(sc.id))) {
    await dest.request('PUT', `${base}/scans/${encodeURIComponent(scan.id)}`, { query: { xsiType: scan.xsiType || undefined, ...scan.fields } });
    scansCreated++;
  }
  const before = await listDestFiles(dest, base);
  // Keys are `scan/{id}/{resource}/{path}` or `session/{resource}/{path}`; IDs and labels hold no '/'.
  const resourceOf = (key: string) => key.split('/').slice(0, key.startsWith('scan/') ? 3 : 2).join('/');
  const existingResources = new Set([...before.keys()].map(resourceOf));
  for (const r of s.resources) {
    if (existingResources.has(resourceOf(fileKey({ owner: r.owner, resource: r.label, path: '' })))) continue;
    await dest.request('PUT', `${ownerPath(base, r.owner)}/resources/${encodeURIComponent(r.label)}`, {
      query: { format: r.format || undefined, content: r.content || undefined, tags: r.tags || undefined }, accept: [200, 201, 409],
    });
  }
  const failures: string[] = [];
  let filesCopied = 0;
  let bytesCopied = 0;
  let filesPresent = 0;
  await runPool(s.files, options.parallel, async (file) => {
    const there = before.get(fileKey(file));
    if (there && sameContent(file, there)) {
      filesPresent++;
      return;
    }
    if (there && !options.overwrite) {
      failures.push(`${fileKey(file)}: the destination already has a different file there (add --overwrite to replace it)`);
      return;
    }
    const outcome = await copyFile(source, dest, base, file, Boolean(there), options.onBytes);
    if (outcome === true) {
      filesCopied++;
      bytesCopied += file.size ?? 0;
    } else failures.push(`${fileKey(file)}: ${outcome}`);
  });
  const checked = verifyCopy(s.files, await listDestFiles(dest, base));
  failures.push(...checked.failures);
  const verified = checked.verified;
  return { plan, destId, scansCreated, filesCopied, bytesCopied, filesPresent, verified, failures: [...new Set(failures)] };
}

async function createSession(dest: XnatClient, project: string, plan: SessionPlan): Promise<string> {
  const url = `/data/projects/${encodeURIComponent(project)}/subjects/${encodeURIComponent(plan.destSubject)}/experiments/${encodeURIComponent(plan.destLabel)}`;
  const res = await dest.request('PUT', url, { query: { xsiType: plan.source.xsiType, ...plan.source.fields } });
  const body = (await res.text()).trim();
  if (/^[A-Za-z0-9_-]+$/.test(body)) return body;
  // Some servers answer without the new ID: look it up by label.
  const doc = await dest.json<{ items?: { data_fields?: { ID?: string } }[] }>(`/data/projects/${encodeURIComponent(project)}/experiments/${encodeURIComponent(plan.destLabel)}`);
  const id = doc.items?.[0]?.data_fields?.ID;
  if (!id) throw new ClientError(`${dest.base} created session ${plan.destLabel} but did not say its ID`);
  return id;
}

/** Streams one file from the source into the destination, retrying dropped connections. */
async function copyFile(source: XnatClient, dest: XnatClient, base: string, file: SourceFile, replace: boolean, onBytes: (n: number) => void): Promise<true | string> {
  const url = `${ownerPath(base, file.owner)}/resources/${encodeURIComponent(file.resource)}/files/${file.path.split('/').map(encodeURIComponent).join('/')}`;
  let last = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const hash = crypto.createHash('md5');
    let sent = 0;
    try {
      const res = await source.request('GET', file.url);
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          sent += chunk.length;
          onBytes(chunk.length);
          callback(null, chunk);
        },
      });
      const body = Readable.fromWeb(res.body as never).pipe(tap);
      const length = res.headers.get('content-length');
      await dest.request('PUT', url, {
        query: { inbody: 'true', overwrite: replace || attempt > 1 ? 'true' : undefined },
        headers: { 'content-type': 'application/octet-stream', ...(length && { 'content-length': length }) },
        body,
      });
      const md5 = hash.digest('hex');
      if (file.md5 && md5 !== file.md5) return `the source sent bytes with MD5 ${md5}, not the ${file.md5} it lists`;
      return true;
    } catch (e) {
      onBytes(-sent);
      last = e instanceof HttpError ? `${e.status} ${e.detail}` : (e as Error).message;
      if (e instanceof HttpError && e.status < 500) return last;
    }
  }
  return last;
}

function ownerPath(base: string, owner: ResourceOwnerKey): string {
  return owner.kind === 'scan' ? `${base}/scans/${encodeURIComponent(owner.scan)}` : base;
}
