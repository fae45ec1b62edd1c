import type { XnatContext } from './context.js';
import type { XnatTarget } from './xnat-path.js';

/** A handler for one kind of archive URL, by HTTP method. */
export type TargetHandlers<T extends XnatTarget['t']> = Partial<Record<'GET' | 'PUT' | 'POST' | 'DELETE', (ctx: XnatContext, target: Extract<XnatTarget, { t: T }>) => Promise<void>>>;

/** A handler for a non-archive URL below the mount point (`services/import`, `prearchive/...`). */
export type SpecialHandler = (ctx: XnatContext, rest: readonly string[]) => Promise<void>;

/**
 * The table from URL shapes to handlers. Each area registers its own handlers, so features land
 * without editing a central switch.
 */
export class XnatRouter {
  private readonly targets = new Map<string, TargetHandlers<never>>();
  private readonly specials: { prefix: readonly string[]; handler: SpecialHandler }[] = [];

  on<T extends XnatTarget['t']>(t: T, handlers: TargetHandlers<T>): void {
    this.targets.set(t, { ...(this.targets.get(t) ?? {}), ...(handlers as TargetHandlers<never>) });
  }

  /** Handles every URL starting with `prefix` (longest prefix wins). */
  special(prefix: readonly string[], handler: SpecialHandler): void {
    this.specials.push({ prefix, handler });
    this.specials.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  findSpecial(segments: readonly string[]): { handler: SpecialHandler; rest: readonly string[] } | undefined {
    const found = this.specials.find((s) => s.prefix.every((p, i) => segments[i]?.toLowerCase() === p.toLowerCase()));
    return found && { handler: found.handler, rest: segments.slice(found.prefix.length) };
  }

  handlersFor(t: XnatTarget['t']): TargetHandlers<never> | undefined {
    return this.targets.get(t);
  }
}
