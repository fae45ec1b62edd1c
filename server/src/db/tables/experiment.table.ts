export interface ExperimentTable {
  id: string;
  project_id: string;
  subject_id: string;
  label: string;
  xsi_type: string;
  image_session_id: string | null;
  session_date: string | null;
  session_time: string | null;
  visit_id: string | null;
  visit: string | null;
  protocol: string | null;
  note: string | null;
  pi_firstname: string | null;
  pi_lastname: string | null;
  acquisition_site: string | null;
  study_instance_uid: string | null;
  scanner: string | null;
  scanner_manufacturer: string | null;
  scanner_model: string | null;
  operator: string | null;
  modality: string | null;
  session_type: string | null;
  dcm_accession_number: string | null;
  dcm_patient_id: string | null;
  dcm_patient_name: string | null;
  field_strength: string | null;
  coil: string | null;
  marker: string | null;
  stabilization: string | null;
  tracer_name: string | null;
  tracer_dose: number | null;
  tracer_isotope: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
}

/** The experiment's label in every project that has it: the owner row and one row per share. */
export interface ExperimentLabelTable {
  experiment_id: string;
  project_id: string;
  label: string;
  is_shared: number;
  created_at: string;
}
