import { invalidInput } from './errors.js';

/** Account rules: logins are short and URL-safe; passwords long enough to resist guessing. */
export const MIN_PASSWORD_LENGTH = 8;
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const RESERVED = new Set(['guest', 'system']);

export function checkLogin(login: string): string {
  if (!LOGIN.test(login)) throw invalidInput(`Invalid username '${login}': use 1-64 letters, digits, '_', '.', '@' or '-', starting with a letter or digit`);
  if (RESERVED.has(login.toLowerCase())) throw invalidInput(`The username '${login}' is reserved`);
  return login;
}

export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) throw invalidInput(`Password too short: use at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 1024) throw invalidInput('Password too long: use at most 1024 characters');
  return password;
}

/** Alias tokens are used as Basic-auth usernames; they look like UUIDs (XNAT's XnatSecureGuard rule). */
export function looksLikeAlias(login: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(login);
}
