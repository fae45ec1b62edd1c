export interface ProjectTable {
  id: string;
  secondary_id: string | null;
  name: string | null;
  description: string | null;
  keywords: string | null;
  pi_firstname: string | null;
  pi_lastname: string | null;
  note: string | null;
  accessibility: string;
  prearchive_code: number;
  quarantine_code: number;
  allow_subject_creation: number;
  created_at: string;
  created_by: string;
  updated_at: string;
}

export interface ProjectAliasTable {
  alias: string;
  project_id: string;
}

export interface ProjectMemberTable {
  project_id: string;
  user_id: number;
  role: string;
  created_at: string;
}
