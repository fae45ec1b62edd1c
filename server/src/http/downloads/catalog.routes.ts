import type { FastifyInstance } from 'fastify';
import { fileCatalogXml, sessionCatalogXml, type FileLinkGroup } from '../../archive/download-catalog-xml.js';
import type { FileStore } from '../../archive/file-store.js';
import { parseDownloadRequest } from '../../domain/download-catalog.js';
import type { DownloadCatalogService } from '../../services/download-catalog.service.js';
import type { DownloadService } from '../../services/download.service.js';
import { attachment, sendArchive } from './send-archive.js';

/** XNAT's stand-in content for the catalog `test` download: proves the zip path works without reading files. */
const TEST_CONTENT = Buffer.from('Temporary file for catalog test.\n');

interface Deps {
  readonly catalogs: DownloadCatalogService;
  readonly download: DownloadService;
  readonly store: FileStore;
}

/**
 * The multi-session download flow of XNAT's UI and Desktop Client (xnat-api.md §9.3): POST the selection,
 * get a catalog ID, then fetch the catalog (XML) or its files (zip). `/xcat` is this server's addition: the
 * same selection as direct file links with sizes and MD5s, for scripts and `xnat-ts download --catalog`.
 */
export function catalogRoutes(deps: Deps) {
  return async (app: FastifyInstance): Promise<void> => {
    const { catalogs, download, store } = deps;
    app.post('/xapi/archive/download', async (request, reply) => {
      const { catalog } = await catalogs.create(request.auth.actor, parseDownloadRequest(request.body));
      return reply.type('text/plain; charset=utf-8').send(catalog.id);
    });
    app.post('/xapi/archive/downloadwithsize', async (request) => {
      const { catalog, size } = await catalogs.create(request.auth.actor, parseDownloadRequest(request.body));
      // XNAT answers a map of strings.
      return { id: catalog.id, size: String(size), resourcesOfUnknownSize: '0' };
    });
    app.get<{ Params: { id: string } }>('/xapi/archive/download/:id', async (request, reply) => {
      const catalog = await catalogs.get(request.auth.actor, request.params.id);
      return reply.type('application/xml; charset=utf-8').send(sessionCatalogXml(catalog));
    });
    app.get<{ Params: { id: string } }>('/xapi/archive/download/:id/xml', async (request, reply) => {
      const catalog = await catalogs.get(request.auth.actor, request.params.id);
      return reply.type('application/xml; charset=utf-8').header('Content-Disposition', attachment(`${catalog.id}.xml`)).send(sessionCatalogXml(catalog));
    });
    app.get<{ Params: { id: string } }>('/xapi/archive/download/:id/xcat', async (request, reply) => {
      const catalog = await catalogs.get(request.auth.actor, request.params.id);
      const plan = await catalogs.plan(request.auth.actor, catalog);
      const host = request.headers['x-forwarded-host'] ?? request.headers.host ?? 'localhost';
      const groups = new Map<string, FileLinkGroup & { files: FileLinkGroup['files'][number][] }>();
      for (const f of plan.files) {
        const id = f.group?.id ?? '';
        const group = groups.get(id) ?? { id, description: f.group?.description, files: [] };
        group.files.push({ uri: `${request.protocol}://${host}${f.link ?? ''}`, cachePath: f.name, size: f.size, md5: f.md5 });
        groups.set(id, group);
      }
      return reply.type('application/xml; charset=utf-8').header('Content-Disposition', attachment(`${catalog.id}.xcat`))
        .send(fileCatalogXml({ id: catalog.id, description: catalog.description }, [...groups.values()]));
    });
    app.get<{ Params: { id: string } }>('/xapi/archive/download/:id/zip', async (request, reply) => {
      const catalog = await catalogs.get(request.auth.actor, request.params.id);
      await sendArchive(request, reply, store, download, await catalogs.plan(request.auth.actor, catalog), 'zip');
    });
    app.get<{ Params: { id: string } }>('/xapi/archive/download/:id/test', async (request, reply) => {
      const catalog = await catalogs.get(request.auth.actor, request.params.id);
      await sendArchive(request, reply, store, download, await catalogs.plan(request.auth.actor, catalog), 'zip', TEST_CONTENT);
    });
  };
}
