/** Header values by tag, 8 upper-case hex digits 'GGGGEEEE'. */
export interface DicomTags { text(tag: string): string | undefined }
export interface RoutingRule { readonly tag: string; readonly pattern: RegExp; readonly group: number; readonly source: string }
export interface RoutingRules { readonly project: readonly RoutingRule[]; readonly subject: readonly RoutingRule[]; readonly session: readonly RoutingRule[] }
export const NO_RULES: RoutingRules = { project: [], subject: [], session: [] };

export function projectCandidates(tags: DicomTags, _rules: readonly RoutingRule[]): string[] {
  const out: string[] = [];
  const d = tags.text('00081030');
  if (d) out.push(d);
  return out;
}
export function subjectLabelOf(tags: DicomTags, _rules: readonly RoutingRule[]): string | undefined {
  const v = tags.text('00100010');
  return v ? toLabelChars(v) : undefined;
}
export function sessionLabelOf(tags: DicomTags, _rules: readonly RoutingRule[]): string | undefined {
  const v = tags.text('00100020');
  return v ? toLabelChars(v) : undefined;
}
export function autoArchiveHintOf(_tags: DicomTags): boolean | undefined {
  return undefined;
}
export function toLabelChars(value: string): string {
  return value.trim().replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}
