export interface SubjectTable {
  id: string;
  project_id: string;
  label: string;
  subject_group: string | null;
  src: string | null;
  pi_firstname: string | null;
  pi_lastname: string | null;
  note: string | null;
  dob: string | null;
  yob: number | null;
  age: number | null;
  gender: string | null;
  handedness: string | null;
  ses: number | null;
  education: number | null;
  education_desc: string | null;
  race: string | null;
  ethnicity: string | null;
  weight: number | null;
  height: number | null;
  gestational_age: number | null;
  post_menstrual_age: number | null;
  birth_weight: number | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

/** The subject's label in every project that has it: the owner row and one row per share. */
export interface SubjectLabelTable {
  subject_id: string;
  project_id: string;
  label: string;
  is_shared: number;
  created_at: string;
}
