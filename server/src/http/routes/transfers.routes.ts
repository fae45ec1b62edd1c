import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../../domain/errors.js';
import type { Transfer, TransferRequest, TransferState } from '../../domain/transfer.js';
import type { TransferService } from '../../services/transfers/transfer.service.js';
import { bool, jsonObject, str, stringMap, strings } from './json-body.js';

const FIELDS = ['source', 'destination', 'mode', 'dryRun', 'all', 'subjects', 'experiments', 'subjectLabels', 'experimentLabels', 'scans', 'resources', 'includeAssessors', 'verifyContent', 'reason'];
const STATES: readonly TransferState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** The transfers API (docs/sharing-and-transfers.md): dry run, start, follow, list, cancel. */
export function transfersRoutes(transfers: TransferService) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/xapi/transfers', async (request, reply) => {
      const body = jsonObject(request.body, FIELDS);
      const transferRequest = parseTransferRequest(body);
      if (bool(body, 'dryRun', false)) {
        const { request: normalised, checklist } = await transfers.dryRun(request.auth.actor, transferRequest);
        return { dryRun: true, request: normalised, checklist };
      }
      const transfer = await transfers.start(request.auth.actor, transferRequest);
      return reply.code(202).header('Location', `/xapi/transfers/${transfer.id}`).send({ transfer: view(transfer, true) });
    });

    app.get<{ Querystring: { state?: string; limit?: string; all?: string } }>('/xapi/transfers', async (request) => {
      const { state, limit: rawLimit, all } = request.query;
      if (state !== undefined && !STATES.includes(state as TransferState)) throw invalidInput(`Unknown state '${state}': use ${STATES.join(', ')}`);
      const limit = rawLimit === undefined ? 50 : Number(rawLimit);
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw invalidInput(`Invalid limit '${rawLimit}': use 1 to 1000`);
      const list = await transfers.list(request.auth.actor, { state: state as TransferState | undefined, limit, everyone: all === 'true' });
      return { transfers: list.map((t) => view(t, false)) };
    });

    app.get<{ Params: { id: string } }>('/xapi/transfers/:id', async (request) => ({ transfer: view(await transfers.get(request.auth.actor, request.params.id), true) }));

    app.post<{ Params: { id: string } }>('/xapi/transfers/:id/cancel', async (request) => ({ transfer: view(await transfers.cancel(request.auth.actor, request.params.id), true) }));
  };
}

export function parseTransferRequest(body: Record<string, unknown>): TransferRequest {
  const mode = str(body, 'mode') ?? 'copy';
  if (mode !== 'copy' && mode !== 'move') throw invalidInput(`'mode' must be copy or move, not '${mode}'`);
  const scans = stringMap(body, 'scans');
  const resources = strings(body, 'resources') ?? null;
  const includeAssessors = bool(body, 'includeAssessors', true);
  if (mode === 'move') {
    // A move deletes whole items from the source afterwards; leaving parts behind would delete them uncopied.
    if (Object.keys(scans).length > 0 || resources !== null) throw invalidInput("A move transfers whole sessions: 'scans' and 'resources' apply to copies only");
    if (!includeAssessors) throw invalidInput("A move always brings the sessions' assessors along (deleting a session deletes them): leave out 'includeAssessors'");
  }
  return {
    source: str(body, 'source', true), destination: str(body, 'destination', true), mode,
    all: bool(body, 'all', false), subjects: strings(body, 'subjects') ?? [], experiments: strings(body, 'experiments') ?? [],
    subjectLabels: stringMap(body, 'subjectLabels'), experimentLabels: stringMap(body, 'experimentLabels'),
    scans, resources, includeAssessors, verifyContent: bool(body, 'verifyContent', false), reason: str(body, 'reason'),
  };
}

/** A transfer as the API shows it; the list leaves out the (possibly long) checklist. */
function view(t: Transfer, full: boolean) {
  return {
    id: t.id, state: t.state, phase: t.phase, mode: t.mode, source: t.source, destination: t.destination,
    createdBy: t.createdBy, createdAt: t.createdAt, updatedAt: t.updatedAt, startedAt: t.startedAt, finishedAt: t.finishedAt,
    cancelRequested: t.cancelRequested, progress: t.progress, request: t.request, report: t.report,
    ...(full && { checklist: t.checklist }),
  };
}
