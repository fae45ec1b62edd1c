import type { Actor } from '../domain/actor.js';
import type { LoginSessionInfo } from '../services/auth.service.js';

/** What the auth hook learned about a request. */
export interface RequestAuth {
  readonly actor: Actor;
  readonly method: 'session' | 'basic' | 'none';
  /** The login session behind the JSESSIONID cookie, or the one created for this request. */
  session?: LoginSessionInfo;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
}
