import { invalidInput } from './errors.js';

/**
 * Naming rules for everything a user names. XNAT allows only letters, digits, '_' and '-'
 * in project IDs and labels (XftStringUtils.isValidId); we keep that so exported trees and
 * URLs stay portable, and reject anything else with a message naming the offending value.
 */
const ID_CHARS = /^[A-Za-z0-9_-]+$/;
const SCAN_ID_CHARS = /^[A-Za-z0-9_.-]+$/;
const RESOURCE_LABEL_CHARS = /^[A-Za-z0-9_.-]+$/;

export const MAX_PROJECT_ID_LENGTH = 64;
export const MAX_LABEL_LENGTH = 255;
export const MAX_SCAN_ID_LENGTH = 64;
export const MAX_FILE_PATH_LENGTH = 1024;

function check(kind: string, value: string, pattern: RegExp, maxLength: number, allowed: string): string {
  if (value.length === 0) throw invalidInput(`${kind} must not be empty`);
  if (value.length > maxLength) {
    throw invalidInput(`${kind} '${value.slice(0, 40)}…' is too long (${value.length} characters, at most ${maxLength})`);
  }
  if (!pattern.test(value)) {
    throw invalidInput(`Invalid character in ${kind} '${value}': only ${allowed} are allowed`);
  }
  return value;
}

export function checkProjectId(value: string): string {
  return check('project ID', value, ID_CHARS, MAX_PROJECT_ID_LENGTH, "letters, digits, '_' and '-'");
}

export function checkLabel(kind: 'subject label' | 'experiment label' | 'assessor label', value: string): string {
  return check(kind, value, ID_CHARS, MAX_LABEL_LENGTH, "letters, digits, '_' and '-'");
}

export function checkScanId(value: string): string {
  check('scan ID', value, SCAN_ID_CHARS, MAX_SCAN_ID_LENGTH, "letters, digits, '_', '-' and '.'");
  if (value.startsWith('.')) throw invalidInput(`scan ID '${value}' must not start with '.'`);
  return value;
}

export function checkResourceLabel(value: string): string {
  check('resource label', value, RESOURCE_LABEL_CHARS, MAX_LABEL_LENGTH, "letters, digits, '_', '-' and '.'");
  if (value.startsWith('.')) throw invalidInput(`resource label '${value}' must not start with '.'`);
  if (/^[0-9]+$/.test(value)) {
    // Numeric segments address resources by id (xnatpy and pyxnat do this), so a numeric label would be ambiguous.
    throw invalidInput(`resource label '${value}' must not be a number: numbers address resources by id`);
  }
  return value;
}

/** Turns free text from DICOM headers into a label (XNAT's Labels.toLabelChars). */
export function toLabelChars(value: string): string {
  return value.trim().replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Normalises a file path inside a resource: forward slashes, no empty, '.', or '..' segments,
 * no absolute paths, no control characters. Returns the clean relative path.
 */
export function checkFilePath(raw: string): string {
  const unified = raw.replace(/\\/g, '/');
  if (unified.startsWith('/')) throw invalidInput(`File path '${raw}' must be relative`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(unified)) throw invalidInput(`File path '${raw}' contains control characters`);
  const segments = unified.split('/').filter((s, i, all) => !(s === '' && i === all.length - 1));
  if (segments.length === 0) throw invalidInput('File path must not be empty');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw invalidInput(`File path '${raw}' must not contain empty, '.' or '..' segments`);
    }
    if (segment.length > 255) throw invalidInput(`File path '${raw}' has a segment longer than 255 characters`);
  }
  const clean = segments.join('/');
  if (clean.length > MAX_FILE_PATH_LENGTH) {
    throw invalidInput(`File path is too long (${clean.length} characters, at most ${MAX_FILE_PATH_LENGTH})`);
  }
  return clean;
}
