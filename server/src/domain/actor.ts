/** Who is asking. Guests exist only when the site allows anonymous reads. */
export type Actor =
  | { readonly kind: 'user'; readonly userId: number; readonly login: string; readonly isAdmin: boolean }
  | { readonly kind: 'guest' };

export const GUEST: Actor = Object.freeze({ kind: 'guest' });

/** The process itself (startup, jobs, the DICOM receiver acting as its configured user). */
export const SYSTEM: Actor = Object.freeze({ kind: 'user', userId: 0, login: 'system', isAdmin: true });

export const loginOf = (actor: Actor) => (actor.kind === 'user' ? actor.login : 'guest');
