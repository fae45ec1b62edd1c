import type { Db } from '../db/database.js';
import { formatAccession, type AccessionKind } from '../domain/accession.js';
import { nextNumber } from '../repositories/counter.repository.js';

/** Hands out accession IDs inside the caller's transaction; numbers are never reused. */
export class AccessionIds {
  constructor(private readonly siteId: string) {}

  async next(db: Db, kind: AccessionKind): Promise<string> {
    return formatAccession(this.siteId, kind, await nextNumber(db, `${kind}:${this.siteId}`));
  }
}
