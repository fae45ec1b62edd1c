import type { Generated } from 'kysely';

export interface UserAccountTable {
  id: Generated<number>;
  login: string;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  enabled: number;
  verified: number;
  is_admin: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface UserSessionTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface AliasTokenTable {
  alias: string;
  user_id: number;
  secret_hash: string;
  single_use: number;
  enabled: number;
  created_at: string;
  expires_at: string;
}
