import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../../domain/errors.js';
import type { ShareService } from '../../services/sharing/share.service.js';
import { jsonObject, str } from './json-body.js';

/**
 * `POST /xapi/shares`: shares a subject with all or some of its experiments into a project in one
 * step, each under its own label — what XNAT's sharing dialog does with one call per item.
 */
export function sharingRoutes(shares: ShareService) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/xapi/shares', async (request) => {
      const body = jsonObject(request.body, ['source', 'subject', 'destination', 'label', 'experiments', 'reason']);
      const experiments = body.experiments === undefined || body.experiments === null ? [] : body.experiments === 'all' ? 'all' as const : parseExperiments(body.experiments);
      const outcome = await shares.shareSubject(request.auth.actor, {
        source: str(body, 'source', true), subject: str(body, 'subject', true), destination: str(body, 'destination', true),
        label: str(body, 'label'), experiments, reason: str(body, 'reason'),
      });
      return { shares: outcome };
    });
  };
}

function parseExperiments(v: unknown): { experiment: string; label?: string }[] {
  if (!Array.isArray(v)) throw invalidInput("'experiments' must be \"all\" or a list of experiment labels or {\"experiment\": ..., \"label\": ...} objects");
  return v.map((x, i) => {
    if (typeof x === 'string' && x !== '') return { experiment: x };
    const o = jsonObject(x, ['experiment', 'label'], `experiments[${i}]`);
    return { experiment: str(o, 'experiment', true), label: str(o, 'label') };
  });
}
