import { invalidInput } from '../../domain/errors.js';
import type { OwnerChangeService } from '../../services/sharing/owner-change.service.js';
import type { ShareService } from '../../services/sharing/share.service.js';
import { reasonOf, sendText } from './context.js';
import type { XnatRouter } from './router.js';

/**
 * XNAT's sharing calls (xnat-api.md §4.1) on `.../projects/{dest}` below a subject, experiment,
 * assessor or scan: PUT shares (or relabels a share, or with `primary=true` changes the owner),
 * DELETE unshares. The listing (GET .../projects) is the core's. Success answers 200 with the item's ID.
 */
export function registerSharingRoutes(router: XnatRouter, sharing: { shares: ShareService; owners: OwnerChangeService }): void {
  router.on('shares', {
    PUT: async (ctx, t) => {
      if (t.dest === undefined || t.dest === '') throw invalidInput('Name the destination project: .../projects/{ID}[?label=...][&primary=true]');
      const label = ctx.params.get('label') || undefined;
      const options = { label, reason: reasonOf(ctx) };
      const outcome = ctx.params.bool('primary')
        ? await sharing.owners.changeOwner(ctx.actor, t.item, t.dest, options)
        : await sharing.shares.share(ctx.actor, t.item, t.dest, options);
      await sendText(ctx, 200, outcome.id);
    },
    DELETE: async (ctx, t) => {
      if (t.dest === undefined || t.dest === '') throw invalidInput('Name the project to unshare from: .../projects/{ID}');
      await sharing.shares.unshare(ctx.actor, t.item, t.dest, { reason: reasonOf(ctx) });
      await sendText(ctx, 200, '');
    },
  });
}
