import { invalidInput } from './errors.js';

/**
 * Where an incoming DICOM instance goes: project candidates, subject and session labels, and the
 * auto-archive hint, read from its header the way XNAT's default identifier does (xnat-api.md §7.2,
 * DicomEdit-Utils `XnatDefaultDicomObjectIdentifier`), plus custom rules and an
 * `xnat://project/subject/session` string in Study Description. Pure: the caller supplies the header.
 */

/** Header values by tag, 8 upper-case hex digits 'GGGGEEEE' (e.g. '00100010'); text as stored (PN as 'DOE^JOHN'), undefined when absent. */
export interface DicomTags { text(tag: string): string | undefined }

/** `(gggg,eeee):REGEX[:GROUP]`: the value of `group` in the first match of `pattern` in the tag's text. */
export interface RoutingRule { readonly tag: string; readonly pattern: RegExp; readonly group: number; readonly source: string }

export interface RoutingRules { readonly project: readonly RoutingRule[]; readonly subject: readonly RoutingRule[]; readonly session: readonly RoutingRule[] }

export const NO_RULES: RoutingRules = Object.freeze({ project: [], subject: [], session: [] });

const PATIENT_NAME = '00100010';
const PATIENT_ID = '00100020';
const ACCESSION_NUMBER = '00080050';
const STUDY_DESCRIPTION = '00081030';
/** Patient Comments, Study Comments, Additional Patient History: where `Project:`-style assignments are looked for. */
const COMMENT_TAGS = ['00104000', '00324000', '001021B0'] as const;

/** Values taken from headers are cut to this length (XNAT's extractors do the same). */
const MAX_VALUE = 64;

const RULE_LINE = /^\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\):(.*)$/;
const GROUP_SUFFIX = /^(.*):(\d+)$/;

/** One rule per line, `(gggg,eeee):REGEX[:GROUP]` (GROUP default 1); blank lines and lines starting with # ignored; throws invalidInput naming the line number and problem. */
export function parseRoutingRules(text: string): RoutingRule[] {
  const rules: RoutingRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fail = (problem: string) => invalidInput(`Routing rule line ${i + 1}: ${problem}`, { line: i + 1 });
    const m = RULE_LINE.exec(line);
    if (!m) throw fail(`expected (gggg,eeee):REGEX[:GROUP] with a tag of 4+4 hex digits, got '${clip(line)}'`);
    const tag = `${m[1]}${m[2]}`.toUpperCase();
    let source = m[3] as string;
    let group = 1;
    // A trailing `:digits` is the group number, as in XNAT's rule syntax; a regex ending in `:\d+` needs a group given explicitly.
    const g = GROUP_SUFFIX.exec(source);
    if (g) {
      source = g[1] as string;
      group = Number(g[2]);
    }
    if (source === '') throw fail('the regular expression is empty');
    let pattern: RegExp;
    try {
      pattern = new RegExp(source);
    } catch (e) {
      throw fail(`invalid regular expression /${clip(source)}/: ${(e as Error).message}`);
    }
    const groups = captureGroupCount(source);
    if (group > groups) throw fail(`group ${group} is out of range: the expression has ${groups} capture group${groups === 1 ? '' : 's'}`);
    rules.push({ tag, pattern, group, source: line });
  });
  return rules;
}

/**
 * Ordered project candidates (the caller takes the first that names a project the user may use): rules, then
 * `Project:` in Patient Comments (0010,4000), Study Comments (0032,4000), Additional Patient History (0010,21B0),
 * then the project of an `xnat://project/subject/session` string in Study Description, then the whole Study
 * Description, then the whole Accession Number (0008,0050). Empty values skipped, duplicates removed.
 */
export function projectCandidates(tags: DicomTags, rules: readonly RoutingRule[]): string[] {
  const description = tags.text(STUDY_DESCRIPTION);
  const candidates = [
    ...rules.map((r) => applyRule(tags, r)),
    ...COMMENT_TAGS.map((t) => assignedValue(tags.text(t), 'Project')),
    xnatUrlOf(description)?.project,
    description?.trim(),
    tags.text(ACCESSION_NUMBER)?.trim(),
  ];
  return [...new Set(candidates.filter((c): c is string => c !== undefined && c !== ''))];
}

/** rules, `Subject:` in the three comment tags, xnat:// subject, Patient Name (0010,0010); passed through toLabelChars. */
export function subjectLabelOf(tags: DicomTags, rules: readonly RoutingRule[]): string | undefined {
  return firstLabel([
    ...rules.map((r) => applyRule(tags, r)),
    ...COMMENT_TAGS.map((t) => assignedValue(tags.text(t), 'Subject')),
    xnatUrlOf(tags.text(STUDY_DESCRIPTION))?.subject,
    tags.text(PATIENT_NAME),
  ]);
}

/** rules, `Session:` in the comment tags, xnat:// session, Patient ID (0010,0020); toLabelChars. */
export function sessionLabelOf(tags: DicomTags, rules: readonly RoutingRule[]): string | undefined {
  return firstLabel([
    ...rules.map((r) => applyRule(tags, r)),
    ...COMMENT_TAGS.map((t) => assignedValue(tags.text(t), 'Session')),
    xnatUrlOf(tags.text(STUDY_DESCRIPTION))?.session,
    tags.text(PATIENT_ID),
  ]);
}

/** `AA:` in the comment tags: true for t/true, false for f/false (case-insensitive), else undefined. */
export function autoArchiveHintOf(tags: DicomTags): boolean | undefined {
  for (const t of COMMENT_TAGS) {
    const v = assignedValue(tags.text(t), 'AA')?.toLowerCase();
    if (v === 't' || v === 'true') return true;
    if (v === 'f' || v === 'false') return false;
  }
  return undefined;
}

/** Labels may hold letters, digits, _ and -: other characters become _ ('DOE^JOHN' → 'DOE_JOHN'); trimmed; max 64 chars. */
export function toLabelChars(value: string): string {
  return value.trim().replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_VALUE);
}

/** The parts of an `xnat://project[/subject[/session]]` string anywhere in the text. */
export function xnatUrlOf(text: string | undefined): { project: string; subject?: string; session?: string } | undefined {
  const m = text && /(?:^|\s)xnat:\/\/([^/\s]+)(?:\/([^/\s]+))?(?:\/([^/\s]+))?/i.exec(text);
  if (!m) return undefined;
  return { project: (m[1] as string).slice(0, MAX_VALUE), subject: m[2]?.slice(0, MAX_VALUE), session: m[3]?.slice(0, MAX_VALUE) };
}

/**
 * The value of `Key: value` inside free text (DicomEdit-Utils `ContainedAssignmentExtractor`): the key starts
 * the text or follows whitespace, `,` or `;`; spaces may surround the colon; the value is `[\w-]*` and must be
 * followed by whitespace, `,`, `;` or the end. Case-insensitive key; first occurrence wins.
 */
export function assignedValue(text: string | undefined, key: string): string | undefined {
  if (!text) return undefined;
  const m = new RegExp(`(?:^|[\\s,;])${escapeRegExp(key)}\\s*:\\s*([\\w-]*)(?=[\\s,;]|$)`, 'i').exec(text);
  const value = m?.[1];
  return value ? value.slice(0, MAX_VALUE) : undefined;
}

function applyRule(tags: DicomTags, rule: RoutingRule): string | undefined {
  const text = tags.text(rule.tag);
  if (text === undefined) return undefined;
  const value = rule.pattern.exec(text)?.[rule.group]?.trim();
  return value ? value.slice(0, MAX_VALUE) : undefined;
}

function firstLabel(candidates: readonly (string | undefined)[]): string | undefined {
  for (const c of candidates) {
    const label = c === undefined ? '' : toLabelChars(c);
    if (label !== '') return label;
  }
  return undefined;
}

/** How many capture groups a (valid) source has: the regex `src|` matches '' and exec() lists every group. */
function captureGroupCount(source: string): number {
  return (new RegExp(`${source}|`).exec('') as RegExpExecArray).length - 1;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
