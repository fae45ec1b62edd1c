import type { FastifyInstance } from 'fastify';
import { PRODUCT_VERSION, XNAT_API_VERSION } from '../../version.js';

const started = Date.now();

/** Open site information XNAT clients read at connect time (xnat-api.md §10). */
export async function siteRoutes(app: FastifyInstance, options: { siteId: string }): Promise<void> {
  app.get('/xapi/siteConfig/buildInfo', async () => ({
    // xnatpy picks its data-model strategy from `version`; we speak XNAT 1.8's API.
    version: XNAT_API_VERSION, buildNumber: PRODUCT_VERSION, buildDate: '', sha: '', shaFull: '', commit: '', branch: '', tag: '',
    isDirty: 'false', timestamp: String(started), hostName: '', displayHostName: '', nodeId: '', product: 'xnat-ts', productVersion: PRODUCT_VERSION,
  }));
  app.get('/xapi/siteConfig/uptime', async () => {
    const s = Math.floor((Date.now() - started) / 1000);
    return { days: Math.floor(s / 86400), hours: Math.floor((s % 86400) / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
  });
  app.get('/xapi/siteConfig/siteId', async (_req, reply) => reply.type('text/plain').send(options.siteId));
}
