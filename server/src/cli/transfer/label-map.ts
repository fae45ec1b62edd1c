import { checkLabel } from '../../domain/names.js';
import { AppError } from '../../domain/errors.js';
import { UsageError } from '../client/errors.js';

/** New labels in the destination for subjects and sessions; anything not mapped keeps its label. */
export interface LabelMap {
  readonly subjects: ReadonlyMap<string, string>;
  readonly sessions: ReadonlyMap<string, string>;
}

/**
 * Reads `--map subject:OLD=NEW` / `--map session:OLD=NEW` (a bare `OLD=NEW` maps a session) and a
 * label-map file with one mapping per line, `subject,OLD,NEW` or `session,OLD,NEW` (CSV; `#` comments and
 * a `kind,old,new` header are allowed). New labels must be valid XNAT labels.
 */
export function parseLabelMap(flags: readonly string[], fileText?: string): LabelMap {
  const subjects = new Map<string, string>();
  const sessions = new Map<string, string>();
  const add = (kind: string, from: string, to: string, where: string) => {
    const target = kind === 'subject' ? subjects : kind === 'session' || kind === 'experiment' ? sessions : undefined;
    if (!target) throw new UsageError(`${where}: the kind must be subject or session, not '${kind}'`);
    if (!from || !to) throw new UsageError(`${where}: give both the old and the new label`);
    try {
      checkLabel(kind === 'subject' ? 'subject label' : 'experiment label', to);
    } catch (e) {
      throw new UsageError(`${where}: ${e instanceof AppError ? e.message : String(e)}`);
    }
    if (target.has(from) && target.get(from) !== to) throw new UsageError(`${where}: ${kind} ${from} is mapped twice`);
    target.set(from, to);
  };
  for (const flag of flags) {
    const m = /^(?:(subject|session|experiment):)?([^=]+)=(.+)$/.exec(flag.trim());
    if (!m) throw new UsageError(`--map '${flag}': write subject:OLD=NEW or session:OLD=NEW`);
    add(m[1] ?? 'session', (m[2] as string).trim(), (m[3] as string).trim(), `--map '${flag}'`);
  }
  (fileText ?? '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (i === 0 && cells[0]?.toLowerCase() === 'kind') return;
    if (cells.length !== 3) throw new UsageError(`label map line ${i + 1}: expected kind,old,new but got '${line}'`);
    add((cells[0] as string).toLowerCase(), cells[1] as string, cells[2] as string, `label map line ${i + 1}`);
  });
  return { subjects, sessions };
}

export const mapped = (map: ReadonlyMap<string, string>, label: string) => map.get(label) ?? label;
