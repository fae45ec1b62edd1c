import { SYSTEM } from '../server/src/domain/actor.js';
import { basic, type BenchServer } from './support.js';

/** Creates a user who is a member of one project; returns their Basic-auth header. */
export async function addMember(server: BenchServer, project: string, role: 'owner' | 'member' | 'collaborator'): Promise<Record<string, string>> {
  const login = `bench_${role}`;
  const password = `${login}-password`;
  await server.app.services.users.create(SYSTEM, { login, password });
  await server.app.services.projects.addMembers(SYSTEM, project, role, [login]);
  return basic(login, password);
}
