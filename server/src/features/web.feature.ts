import type { FeatureFactory } from '../feature.js';
import { sendIndexPage } from '../http/web/index-page.js';
import { defaultWebDir, loadWebBundle } from '../http/web/web-assets.js';
import { pageSession, webUiPlugin } from '../http/web/web-ui.plugin.js';

/** The web UI (web/, React), served by the same server: `GET /`, the app's pages and its assets. */
export const webFeature: FeatureFactory = async ({ config }) => {
  const bundle = await loadWebBundle(config.http.webDir ?? defaultWebDir());
  const requireLogin = config.site.requireLogin;
  return {
    name: 'web',
    http: {
      homePage: (request, reply, csrfToken) => sendIndexPage(bundle, reply, pageSession(request, csrfToken, requireLogin)),
      plugins: [webUiPlugin({ bundle, requireLogin })],
    },
  };
};
