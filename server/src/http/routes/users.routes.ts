import type { FastifyInstance } from 'fastify';
import type { User } from '../../domain/entities.js';
import { invalidInput } from '../../domain/errors.js';
import type { Services } from '../../services/services.js';

/** XNAT's user administration API (`/xapi/users`), JSON in and out; site administrators only. */
export async function usersRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { users } = options.services;

  app.get('/xapi/users', async (request) => (await users.list(request.auth.actor)).map((u) => u.login));
  app.get('/xapi/users/profiles', async (request) => (await users.list(request.auth.actor)).map(profile));
  app.get<{ Params: { login: string } }>('/xapi/users/:login', async (request) => profile(await users.get(request.auth.actor, request.params.login)));

  app.post('/xapi/users', async (request, reply) => {
    const body = jsonBody(request.body);
    const user = await users.create(request.auth.actor, {
      login: str(body.username, 'username', true) as string,
      password: str(body.password, 'password', true) as string,
      email: str(body.email, 'email'), firstName: str(body.firstName, 'firstName'), lastName: str(body.lastName, 'lastName'),
      enabled: bool(body.enabled, 'enabled'), verified: bool(body.verified, 'verified'), isAdmin: bool(body.admin, 'admin'),
    });
    return reply.code(201).send(profile(user));
  });

  app.put<{ Params: { login: string } }>('/xapi/users/:login', async (request) => {
    const body = jsonBody(request.body);
    return profile(await users.update(request.auth.actor, request.params.login, {
      password: str(body.password, 'password'), email: str(body.email, 'email'), firstName: str(body.firstName, 'firstName'),
      lastName: str(body.lastName, 'lastName'), enabled: bool(body.enabled, 'enabled'), verified: bool(body.verified, 'verified'), isAdmin: bool(body.admin, 'admin'),
    }));
  });

  // XNAT's per-flag endpoints: PUT /xapi/users/{u}/enabled/{true|false}, .../verified/{flag}.
  app.put<{ Params: { login: string; flag: string; value: string } }>('/xapi/users/:login/:flag/:value', async (request) => {
    const { login, flag, value } = request.params;
    if (flag !== 'enabled' && flag !== 'verified') throw invalidInput(`Unknown user flag '${flag}': use enabled or verified`);
    if (value !== 'true' && value !== 'false') throw invalidInput(`Use true or false, not '${value}'`);
    return profile(await users.update(request.auth.actor, login, { [flag]: value === 'true' }));
  });
}

export function profile(u: User) {
  return {
    id: u.id, username: u.login, email: u.email, firstName: u.firstName, lastName: u.lastName, enabled: u.enabled, verified: u.verified,
    admin: u.isAdmin, lastSuccessfulLogin: u.lastLoginAt ? Date.parse(u.lastLoginAt) : null, created: Date.parse(u.createdAt),
  };
}

function jsonBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidInput('Send a JSON object');
  return body as Record<string, unknown>;
}

function str(v: unknown, name: string, required = false): string | undefined {
  if (v === undefined || v === null) {
    if (required) throw invalidInput(`'${name}' is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw invalidInput(`'${name}' must be a string`);
  return v;
}

function bool(v: unknown, name: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidInput(`'${name}' must be true or false`);
  return v;
}
