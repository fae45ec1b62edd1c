import type { FeatureFactory } from '../feature.js';
import { catalogRoutes } from '../http/downloads/catalog.routes.js';
import { listingDownloads } from '../http/downloads/listing-downloads.js';
import { DownloadCatalogService } from '../services/download-catalog.service.js';
import { DownloadService } from '../services/download.service.js';

/** Zip/tar/xcat downloads of file listings and XNAT's multi-session download catalogs. */
export const downloadsFeature: FeatureFactory = ({ db, store, services }) => {
  const download = new DownloadService(db, store);
  const catalogs = new DownloadCatalogService(db, services.experiments, services.resources);
  return {
    name: 'downloads',
    http: { downloads: listingDownloads(download, store), plugins: [catalogRoutes({ catalogs, download, store })] },
  };
};
