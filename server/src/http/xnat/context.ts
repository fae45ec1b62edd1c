import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { invalidInput } from '../../domain/errors.js';
import type { Services } from '../../services/services.js';
import { Params } from '../params.js';
import { itemHtml, itemJson, itemXml, type ItemDoc } from './item-document.js';
import { CONTENT_TYPES, renderTable, type ListingFormat, type Table } from './result-set.js';

/** Everything an XNAT route handler needs about one request. */
export interface XnatContext {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly actor: Actor;
  readonly params: Params;
  readonly services: Services;
  readonly method: string;
  /** URL segments after the mount point, decoded. */
  readonly segments: readonly string[];
  /** Absolute base of this server (scheme://host), for URLs XNAT returns absolute. */
  readonly siteUrl: string;
}

export function makeContext(request: FastifyRequest, reply: FastifyReply, services: Services, segments: readonly string[], siteUrl: string | null): XnatContext {
  const host = request.headers['x-forwarded-host'] ?? request.headers.host ?? 'localhost';
  return {
    request, reply, services, segments, method: request.method,
    actor: request.auth.actor,
    params: new Params(request.query as Record<string, unknown>),
    siteUrl: siteUrl ?? `${request.protocol}://${host}`,
  };
}

/** The response format asked for: `format=` wins over Accept (xnat-api.md §2.3). */
export function requestedFormat(ctx: XnatContext): string | undefined {
  const format = ctx.params.get('format')?.toLowerCase();
  if (format) return format;
  const accept = ctx.request.headers.accept ?? '';
  if (/application\/json/.test(accept)) return 'json';
  if (/text\/csv/.test(accept)) return 'csv';
  if (/(text|application)\/xml/.test(accept)) return 'xml';
  return undefined;
}

export function listingFormat(ctx: XnatContext): ListingFormat {
  const f = requestedFormat(ctx) ?? 'json';
  if (f === 'json' || f === 'csv' || f === 'xml' || f === 'html') return f;
  if (f === 'text/csv') return 'csv';
  if (f === 'application/json') return 'json';
  throw invalidInput(`Unsupported format '${f}' for a listing: use json, csv, xml or html`);
}

export async function sendTable(ctx: XnatContext, table: Table): Promise<void> {
  const format = listingFormat(ctx);
  ctx.reply.code(200).type(CONTENT_TYPES[format]);
  if (format === 'csv') ctx.reply.header('Content-Disposition', 'inline; filename="results.csv"');
  await ctx.reply.send(Readable.from(renderTable(table, format)));
}

/** Sends one item as XML, JSON or (browsers, no format) HTML. */
export async function sendItem(ctx: XnatContext, doc: ItemDoc): Promise<void> {
  const format = requestedFormat(ctx);
  if (format === 'json') return void (await ctx.reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(itemJson(doc))));
  if (format === 'xml') return void (await ctx.reply.code(200).type('text/xml; charset=utf-8').send(itemXml(doc)));
  if (format === undefined || format === 'html') return void (await ctx.reply.code(200).type('text/html; charset=utf-8').send(itemHtml(doc)));
  throw invalidInput(`Unsupported format '${format}': use xml, json or html`);
}

export async function sendText(ctx: XnatContext, status: number, text: string, type = 'text/plain; charset=utf-8'): Promise<void> {
  await ctx.reply.code(status).type(type).send(text);
}

/** The `event_reason` XNAT clients attach to changes, for the audit trail. */
export function reasonOf(ctx: XnatContext): string | undefined {
  return ctx.params.first('event_reason', 'event_comment') || undefined;
}
