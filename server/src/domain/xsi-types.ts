/**
 * The XNAT data types this server stores. The wire uses type names (`xnat:mrSessionData`);
 * XML documents use element names (`<xnat:MRSession>`). `base` is the XSD base type, used by
 * the schema generator and by clients (xnatpy) that build classes from our XSDs.
 */
export type TypeKind = 'imageSession' | 'subjectAssessor' | 'imageAssessor' | 'scan';

export interface XsiTypeInfo {
  readonly xsiType: string;
  readonly element: string;
  readonly kind: TypeKind;
  readonly base: string;
  /** DICOM modality this session or scan type stands for, when there is one. */
  readonly modality?: string;
  readonly description: string;
}

const session = (name: string, element: string, modality: string | undefined, description: string, base = 'xnat:imageSessionData'): XsiTypeInfo =>
  ({ xsiType: `xnat:${name}SessionData`, element: `xnat:${element}Session`, kind: 'imageSession', base, modality, description });
const scan = (name: string, element: string, modality: string | undefined, description: string): XsiTypeInfo =>
  ({ xsiType: `xnat:${name}ScanData`, element: `xnat:${element}Scan`, kind: 'scan', base: 'xnat:imageScanData', modality, description });

export const XSI_TYPES: readonly XsiTypeInfo[] = [
  session('mr', 'MR', 'MR', 'MR session'),
  session('ct', 'CT', 'CT', 'CT session'),
  session('pet', 'PET', 'PT', 'PET session'),
  session('petmr', 'PETMR', undefined, 'PET/MR session', 'xnat:petSessionData'),
  session('cr', 'CR', 'CR', 'Computed radiography session'),
  session('dx', 'DX', 'DX', 'Digital radiography session'),
  session('mg', 'MG', 'MG', 'Mammography session'),
  session('us', 'US', 'US', 'Ultrasound session'),
  session('xa', 'XA', 'XA', 'X-ray angiography session'),
  session('nm', 'NM', 'NM', 'Nuclear medicine session'),
  session('rt', 'RT', 'RTIMAGE', 'Radiotherapy session'),
  session('op', 'OP', 'OP', 'Ophthalmic photography session'),
  session('meg', 'MEG', 'MEG', 'MEG session'),
  session('eeg', 'EEG', 'EEG', 'EEG session'),
  session('ecg', 'ECG', 'ECG', 'ECG session'),
  session('otherDicom', 'OtherDicom', undefined, 'DICOM session of another modality'),
  scan('mr', 'MR', 'MR', 'MR scan'),
  scan('ct', 'CT', 'CT', 'CT scan'),
  scan('pet', 'PET', 'PT', 'PET scan'),
  scan('cr', 'CR', 'CR', 'Computed radiography scan'),
  scan('dx', 'DX', 'DX', 'Digital radiography scan'),
  scan('mg', 'MG', 'MG', 'Mammography scan'),
  scan('us', 'US', 'US', 'Ultrasound scan'),
  scan('xa', 'XA', 'XA', 'X-ray angiography scan'),
  scan('nm', 'NM', 'NM', 'Nuclear medicine scan'),
  scan('rt', 'RT', 'RTIMAGE', 'Radiotherapy image scan'),
  scan('op', 'OP', 'OP', 'Ophthalmic photography scan'),
  scan('sc', 'SC', 'SC', 'Secondary capture scan'),
  scan('sr', 'SR', 'SR', 'Structured report scan'),
  scan('meg', 'MEG', 'MEG', 'MEG scan'),
  scan('eeg', 'EEG', 'EEG', 'EEG scan'),
  scan('ecg', 'ECG', 'ECG', 'ECG scan'),
  scan('otherDicom', 'OtherDicom', undefined, 'DICOM scan of another modality'),
  { xsiType: 'xnat:qcAssessmentData', element: 'xnat:QCAssessment', kind: 'imageAssessor', base: 'xnat:imageAssessorData', description: 'Quality control assessment' },
  { xsiType: 'xnat:qcManualAssessorData', element: 'xnat:QCManualAssessment', kind: 'imageAssessor', base: 'xnat:imageAssessorData', description: 'Manual quality control' },
  { xsiType: 'xnat:imageAssessorData', element: 'xnat:ImageAssessor', kind: 'imageAssessor', base: 'xnat:derivedData', description: 'Generic image assessor (derived data)' },
  { xsiType: 'xnat:subjectVariablesData', element: 'xnat:SubjectVariables', kind: 'subjectAssessor', base: 'xnat:subjectAssessorData', description: 'Subject variables (non-imaging assessment)' },
];

const byType = new Map(XSI_TYPES.map((t) => [t.xsiType.toLowerCase(), t]));
const byElement = new Map(XSI_TYPES.map((t) => [t.element.toLowerCase(), t]));

/** Looks up a type by type name or element name, case-insensitively (clients send both). */
export function findXsiType(name: string): XsiTypeInfo | undefined {
  const key = name.trim().toLowerCase();
  return byType.get(key) ?? byElement.get(key);
}

export const isExperimentKind = (kind: TypeKind) => kind !== 'scan';

/** Session type for a DICOM modality; unknown modalities go to the generic DICOM session. */
export function sessionTypeForModality(modality: string | undefined): XsiTypeInfo {
  return XSI_TYPES.find((t) => t.kind === 'imageSession' && t.modality === modality?.toUpperCase())
    ?? (findXsiType('xnat:otherDicomSessionData') as XsiTypeInfo);
}

export function scanTypeForModality(modality: string | undefined): XsiTypeInfo {
  const m = modality?.toUpperCase();
  const mapped = m === 'OT' ? 'SC' : m;
  return XSI_TYPES.find((t) => t.kind === 'scan' && t.modality === mapped)
    ?? (findXsiType('xnat:otherDicomScanData') as XsiTypeInfo);
}

/** The scan type that belongs with a session type (xnat:mrSessionData -> xnat:mrScanData). */
export function scanTypeForSession(sessionType: string): XsiTypeInfo {
  const info = findXsiType(sessionType);
  if (info?.kind === 'imageSession') {
    const scanType = findXsiType(info.xsiType.replace(/SessionData$/, 'ScanData'));
    if (scanType) return scanType;
  }
  return findXsiType('xnat:otherDicomScanData') as XsiTypeInfo;
}

/** Abstract XNAT types and their bases, so a concrete type knows every type it inherits fields from. */
const ABSTRACT_BASES: Record<string, string> = {
  'xnat:imageSessionData': 'xnat:subjectAssessorData',
  'xnat:subjectAssessorData': 'xnat:experimentData',
  'xnat:imageAssessorData': 'xnat:derivedData',
  'xnat:derivedData': 'xnat:experimentData',
  'xnat:imageScanData': '',
  'xnat:experimentData': '',
};

/** `xnat:mrSessionData` → [mrSessionData, imageSessionData, subjectAssessorData, experimentData]. */
export function typeChain(xsiType: string): string[] {
  const chain: string[] = [];
  let current: string | undefined = findXsiType(xsiType)?.xsiType ?? xsiType;
  while (current && !chain.includes(current)) {
    chain.push(current);
    current = findXsiType(current)?.base ?? ABSTRACT_BASES[current];
  }
  return chain;
}
