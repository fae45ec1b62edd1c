/**
 * Descriptive fields of each entity: the one list that drives the database columns, query
 * parameter parsing (XNAT shortcuts and xpaths), listing columns, XML documents and the XSDs
 * we publish. Core columns (IDs, owner project, labels, types) are not listed here.
 */
export type FieldType = 'string' | 'text' | 'date' | 'time' | 'int' | 'float';

export interface FieldDef {
  /** XNAT's shortcut key, used for `columns=`, filters and creation parameters. */
  readonly key: string;
  /** snake_case column in the entity's table. */
  readonly column: string;
  /** Path below the type's root element; `@name` is an attribute; `[..]` qualifiers are ignored on input. */
  readonly xpath: string;
  readonly type: FieldType;
  /** The XSD type that declares the field (so mrSessionData fields do not show on CT sessions). */
  readonly declaredOn: string;
  /** Allowed values after normalisation, if the field is an enumeration. */
  readonly values?: readonly string[];
  /** Extra names clients use for the same field. */
  readonly aliases?: readonly string[];
}

const f = (declaredOn: string, key: string, xpath: string, type: FieldType = 'string', extra: Partial<FieldDef> = {}): FieldDef =>
  ({ key, column: extra.column ?? toSnake(key), xpath, type, declaredOn, ...extra });

function toSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export const PROJECT_FIELDS: readonly FieldDef[] = [
  f('xnat:projectData', 'secondary_ID', '@secondary_ID', 'string', { column: 'secondary_id' }),
  f('xnat:projectData', 'name', 'name'),
  f('xnat:projectData', 'description', 'description', 'text'),
  f('xnat:projectData', 'keywords', 'keywords', 'text'),
  f('xnat:projectData', 'pi_firstname', 'PI/firstname'),
  f('xnat:projectData', 'pi_lastname', 'PI/lastname'),
  f('xnat:projectData', 'note', 'note', 'text'),
];

const DEMO = 'demographics[@xsi:type=xnat:demographicData]';
export const SUBJECT_FIELDS: readonly FieldDef[] = [
  f('xnat:subjectData', 'group', 'group', 'string', { column: 'subject_group' }),
  f('xnat:subjectData', 'src', 'src'),
  f('xnat:subjectData', 'pi_firstname', 'investigator/firstname'),
  f('xnat:subjectData', 'pi_lastname', 'investigator/lastname'),
  f('xnat:subjectData', 'note', 'note', 'text'),
  f('xnat:demographicData', 'dob', `${DEMO}/dob`, 'date'),
  f('xnat:demographicData', 'yob', `${DEMO}/yob`, 'int'),
  f('xnat:demographicData', 'age', `${DEMO}/age`, 'float'),
  f('xnat:demographicData', 'gender', `${DEMO}/gender`, 'string', { values: ['male', 'female', 'other', 'unknown'] }),
  f('xnat:demographicData', 'handedness', `${DEMO}/handedness`, 'string', { values: ['right', 'left', 'ambidextrous', 'unknown'] }),
  f('xnat:demographicData', 'ses', `${DEMO}/ses`, 'int'),
  f('xnat:demographicData', 'education', `${DEMO}/education`, 'int'),
  f('xnat:demographicData', 'educationDesc', `${DEMO}/educationDesc`),
  f('xnat:demographicData', 'race', `${DEMO}/race`),
  f('xnat:demographicData', 'ethnicity', `${DEMO}/ethnicity`),
  f('xnat:demographicData', 'weight', `${DEMO}/weight`, 'float'),
  f('xnat:demographicData', 'height', `${DEMO}/height`, 'float'),
  f('xnat:demographicData', 'gestational_age', `${DEMO}/gestational_age`, 'float'),
  f('xnat:demographicData', 'post_menstrual_age', `${DEMO}/post_menstrual_age`, 'float'),
  f('xnat:demographicData', 'birth_weight', `${DEMO}/birth_weight`, 'float'),
];

export const EXPERIMENT_FIELDS: readonly FieldDef[] = [
  f('xnat:experimentData', 'date', 'date', 'date', { column: 'session_date' }),
  f('xnat:experimentData', 'time', 'time', 'time', { column: 'session_time' }),
  f('xnat:experimentData', 'visit_id', 'visit_id'),
  f('xnat:experimentData', 'visit', 'visit'),
  f('xnat:experimentData', 'protocol', 'protocol'),
  f('xnat:experimentData', 'note', 'note', 'text'),
  f('xnat:experimentData', 'pi_firstname', 'investigator/firstname'),
  f('xnat:experimentData', 'pi_lastname', 'investigator/lastname'),
  f('xnat:experimentData', 'acquisition_site', 'acquisition_site'),
  f('xnat:imageSessionData', 'UID', 'UID', 'string', { column: 'study_instance_uid', aliases: ['studyInstanceUID'] }),
  f('xnat:imageSessionData', 'scanner', 'scanner'),
  f('xnat:imageSessionData', 'scanner_manufacturer', 'scanner/@manufacturer'),
  f('xnat:imageSessionData', 'scanner_model', 'scanner/@model'),
  f('xnat:imageSessionData', 'operator', 'operator'),
  f('xnat:imageSessionData', 'modality', 'modality'),
  f('xnat:imageSessionData', 'session_type', 'session_type'),
  f('xnat:imageSessionData', 'dcmAccessionNumber', 'dcmAccessionNumber'),
  f('xnat:imageSessionData', 'dcmPatientId', 'dcmPatientId'),
  f('xnat:imageSessionData', 'dcmPatientName', 'dcmPatientName'),
  f('xnat:mrSessionData', 'fieldStrength', 'fieldStrength'),
  f('xnat:mrSessionData', 'coil', 'coil'),
  f('xnat:mrSessionData', 'marker', 'marker'),
  f('xnat:mrSessionData', 'stabilization', 'stabilization'),
  f('xnat:petSessionData', 'tracer_name', 'tracer/name'),
  f('xnat:petSessionData', 'tracer_dose', 'tracer/dose', 'float'),
  f('xnat:petSessionData', 'tracer_isotope', 'tracer/isotope'),
];

export const SCAN_FIELDS: readonly FieldDef[] = [
  f('xnat:imageScanData', 'type', '@type', 'string', { column: 'scan_type' }),
  f('xnat:imageScanData', 'UID', '@UID', 'string', { column: 'series_instance_uid' }),
  f('xnat:imageScanData', 'series_description', 'series_description'),
  f('xnat:imageScanData', 'quality', 'quality'),
  f('xnat:imageScanData', 'condition', 'condition', 'string', { column: 'scan_condition' }),
  f('xnat:imageScanData', 'note', 'note', 'text'),
  f('xnat:imageScanData', 'documentation', 'documentation', 'text'),
  f('xnat:imageScanData', 'scanner', 'scanner'),
  f('xnat:imageScanData', 'modality', 'modality'),
  f('xnat:imageScanData', 'frames', 'frames', 'int'),
  f('xnat:imageScanData', 'startTime', 'startTime', 'time', { column: 'start_time', aliases: ['scanTime'] }),
  f('xnat:mrScanData', 'fieldStrength', 'fieldStrength'),
  f('xnat:mrScanData', 'coil', 'coil'),
  f('xnat:mrScanData', 'tr', 'parameters/tr', 'float'),
  f('xnat:mrScanData', 'te', 'parameters/te', 'float'),
  f('xnat:mrScanData', 'ti', 'parameters/ti', 'float'),
  f('xnat:mrScanData', 'flip', 'parameters/flip', 'float'),
];

/**
 * Field groups XNAT stores as items of their own type (`PI/firstname` is an investigatorData):
 * JSON documents show them as child items and the XSD as elements of that type.
 */
export const NESTED_ITEM_TYPES: Readonly<Record<string, string>> = { PI: 'xnat:investigatorData', investigator: 'xnat:investigatorData' };

/** Strips `[...]` qualifiers and a leading `type/` so `xnat:subjectData/demographics[@xsi:type=x]/gender` → `demographics/gender`. */
export function normaliseXpath(path: string): string {
  return path.replace(/\[[^\]]*\]/g, '').replace(/^[A-Za-z]+:[A-Za-z]+\//, '').replace(/@/g, '').toLowerCase();
}

/**
 * Finds the field a query parameter names: a shortcut key (`gender`), an alias, or an xpath with or
 * without the type prefix (`xnat:subjectData/demographics[@xsi:type=xnat:demographicData]/gender`).
 */
export function findField(fields: readonly FieldDef[], name: string): FieldDef | undefined {
  const path = normaliseXpath(name);
  const keyMatches = (d: FieldDef, key: string) =>
    d.key.toLowerCase() === key || (d.aliases?.some((a) => a.toLowerCase() === key) ?? false);
  return fields.find((d) => keyMatches(d, name.toLowerCase()))
    ?? fields.find((d) => normaliseXpath(d.xpath) === path)
    ?? fields.find((d) => keyMatches(d, path));
}

/** Fields that apply to a type, given its chain of base types. */
export function fieldsFor(fields: readonly FieldDef[], typeChain: readonly string[]): FieldDef[] {
  return fields.filter((d) => typeChain.includes(d.declaredOn) || d.declaredOn === 'xnat:demographicData');
}
