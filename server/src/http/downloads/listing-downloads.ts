import { parseStructure } from '../../archive/download-layout.js';
import { fileCatalogXml } from '../../archive/download-catalog-xml.js';
import type { FileStore } from '../../archive/file-store.js';
import type { DownloadService } from '../../services/download.service.js';
import { sendText } from '../xnat/context.js';
import { fileUri, type FileDownloadFormats } from '../xnat/resources.handlers.js';
import { archiveFormat, sendArchive } from './send-archive.js';

/**
 * `format=zip|tar|tar.gz` and `format=xcat` on any file listing (a resource, a scan, `scans/ALL`, scan
 * types, comma lists, a session's files): the listing handler has already resolved and access-checked
 * every owner, so these only lay the files out (xnat-api.md §9.1-9.2).
 */
export function listingDownloads(download: DownloadService, store: FileStore): FileDownloadFormats {
  return {
    zip: async (ctx, files, owners, format) => {
      const kind = archiveFormat(format);
      const plan = await download.planListing(files, owners, parseStructure(ctx.params.get('structure')), { forTar: kind !== 'zip' });
      await sendArchive(ctx.request, ctx.reply, store, download, plan, kind);
    },
    xcat: async (ctx, files, owners) => {
      const plan = await download.planListing(files, owners, 'default');
      const links = plan.files.map((f) => ({
        uri: f.owner ? ctx.siteUrl + fileUri(f.owner, f.item.resource, f.item.file.path) : '', cachePath: f.name, size: f.size, md5: f.md5,
      }));
      ctx.reply.header('Content-Disposition', 'attachment; filename="files.xcat"');
      await sendText(ctx, 200, fileCatalogXml({ description: plan.name }, [{ files: links }]), 'text/xml; charset=utf-8');
    },
  };
}
