import type { Db } from '../db/database.js';

/**
 * Takes the next number of a series (accession IDs). Runs inside the caller's transaction; the
 * UPDATE takes the row lock on PostgreSQL and SQLite has one writer, so numbers are never handed
 * out twice and never reused.
 */
export async function nextNumber(db: Db, name: string): Promise<number> {
  const updated = await db.updateTable('id_counter').set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', name).returning('value').executeTakeFirst();
  if (updated) return updated.value;
  await db.insertInto('id_counter').values({ name, value: 1 }).execute();
  return 1;
}
