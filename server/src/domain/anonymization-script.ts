import crypto from 'node:crypto';
import { invalidInput } from './errors.js';

/**
 * The anonymization script language: the part of DicomEdit 6 that labs use (docs/anonymization.md).
 * One statement per line:
 *
 *   -(0010,1000)                      delete a tag; x/X digits are wildcards: -(0029,xxxx) deletes group 0029
 *   removeAllPrivateTags              delete every tag of an odd group, also inside sequences
 *   (0010,0010) := "ANON"             set to a literal (\" and \\ escape inside quotes)
 *   (0010,0010) := subject            set to the destination project / subject / session (also $subject)
 *   (0010,0020) := (0010,0010)        copy another tag's value
 *   (0008,0080) := ""   blank (0008,0080)     keep the tag with an empty value
 *   (0020,000D) := hashUID[(0020,000D)]      a UID derived from the tag's value: same input, same output
 *   version "6.1"                     accepted and ignored
 *   // comment   # comment            to the end of the line
 *
 * Statements apply to the top-level data set, in order. File meta information (group 0002) and the
 * pixel data (7FE0,0010) are never changed: statements naming them are refused, wildcards skip them.
 */

/** 8 upper-case hex digits 'GGGGEEEE'. */
export type TagKey = string;
/** 8 characters, each an upper-case hex digit or X (any digit). */
export type TagMask = string;

export type Variable = 'project' | 'subject' | 'session';

export type TagValue =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: Variable }
  | { readonly kind: 'copy'; readonly tag: TagKey }
  | { readonly kind: 'hashUid'; readonly tag: TagKey };

export type Statement =
  | { readonly kind: 'delete'; readonly line: number; readonly mask: TagMask }
  | { readonly kind: 'removeAllPrivateTags'; readonly line: number }
  | { readonly kind: 'set'; readonly line: number; readonly tag: TagKey; readonly value: TagValue }
  | { readonly kind: 'blank'; readonly line: number; readonly tag: TagKey };

export interface AnonymizationScript {
  /** Where the script came from, for messages ('site script', 'project P1 script'). */
  readonly name: string;
  readonly statements: readonly Statement[];
}

export const PIXEL_DATA: TagKey = '7FE00010';
/** The UUID-derived UID root (PS3.5 B.2): `2.25.` + the decimal value of a 128-bit UUID. */
export const HASH_UID_ROOT = '2.25.';

const VARIABLES: readonly Variable[] = ['project', 'subject', 'session'];
const STATEMENT_FORMS = '-(gggg,eeee), (gggg,eeee) := value, blank (gggg,eeee), removeAllPrivateTags or version "..."';

/** Parses a script; throws invalidInput naming the line and what was expected. */
export function parseAnonymizationScript(text: string, name = 'script'): AnonymizationScript {
  const statements: Statement[] = [];
  text.split(/\r?\n|\r/).forEach((raw, i) => {
    const s = new LineScanner(raw, i + 1, name);
    s.skipSpace();
    if (s.atEnd()) return;
    const statement = parseStatement(s);
    s.skipSpace();
    if (!s.atEnd()) throw s.fail(`expected the end of the line after the statement, found '${s.rest()}'`);
    if (statement) statements.push(statement);
  });
  return { name, statements };
}

/** Whether a mask ('0029XXXX') covers a tag ('00291010'). */
export function tagMatches(mask: TagMask, tag: TagKey): boolean {
  for (let i = 0; i < 8; i++) if (mask[i] !== 'X' && mask[i] !== tag[i]) return false;
  return true;
}

/** Private tags have an odd group number. */
export function isPrivateTag(tag: TagKey): boolean {
  return parseInt(tag.slice(0, 4), 16) % 2 === 1;
}

/**
 * A UID derived from another: the first 128 bits of SHA-256 of the value, marked as a UUID (version 8,
 * RFC 9562), written as `2.25.<decimal>` (at most 44 characters). Deterministic, so every file of a study
 * gets the same new StudyInstanceUID; not secret, since anyone holding the original UID can recompute it.
 */
export function hashUid(uid: string): string {
  const bytes = crypto.createHash('sha256').update(uid.replace(/[\0 ]+$/, ''), 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return HASH_UID_ROOT + BigInt(`0x${bytes.toString('hex')}`).toString(10);
}

function parseStatement(s: LineScanner): Statement | undefined {
  const line = s.line;
  if (s.take('-')) {
    s.skipSpace();
    return { kind: 'delete', line, mask: s.tag({ allowMask: true }) };
  }
  if (s.peek() === '(') {
    const tag = s.tag({ allowMask: false });
    s.skipSpace();
    if (!s.take(':=')) throw s.fail(`expected ':=' after the tag, found '${s.rest() || 'the end of the line'}'`);
    s.skipSpace();
    const value = parseValue(s);
    return value.kind === 'literal' && value.text === '' ? { kind: 'blank', line, tag } : { kind: 'set', line, tag, value };
  }
  const word = s.word();
  switch (word) {
    case 'version':
      s.skipSpace();
      s.string();
      return undefined;
    case 'removeAllPrivateTags':
      return { kind: 'removeAllPrivateTags', line };
    case 'blank':
      s.skipSpace();
      return { kind: 'blank', line, tag: s.tag({ allowMask: false }) };
    default:
      throw s.fail(`expected a statement (${STATEMENT_FORMS}), found '${s.rest(word)}'`);
  }
}

function parseValue(s: LineScanner): TagValue {
  const c = s.peek();
  if (c === '"' || c === '\'') return { kind: 'literal', text: s.string() };
  if (c === '(') return { kind: 'copy', tag: s.tag({ allowMask: false, allowProtected: true }) };
  const dollar = s.take('$');
  const word = s.word();
  if (!dollar && word === 'hashUID') {
    s.skipSpace();
    if (!s.take('[')) throw s.fail(`expected '[' after hashUID, as in hashUID[(0020,000D)]`);
    s.skipSpace();
    const tag = s.tag({ allowMask: false, allowProtected: true });
    s.skipSpace();
    if (!s.take(']')) throw s.fail(`expected ']' to close hashUID[`);
    return { kind: 'hashUid', tag };
  }
  if ((VARIABLES as readonly string[]).includes(word)) return { kind: 'variable', name: word as Variable };
  const found = word ? `'${dollar ? '$' : ''}${word}'` : `'${s.rest() || 'the end of the line'}'`;
  throw s.fail(`expected a value after ':=' ("text", project, subject, session, (gggg,eeee) or hashUID[(gggg,eeee)]), found ${found}`);
}

/** Reads one line left to right; comments (// or #, outside quotes) end the line. */
class LineScanner {
  private pos = 0;
  private readonly end: number;
  constructor(private readonly text: string, readonly line: number, private readonly name: string) {
    this.end = commentStart(text);
  }

  fail(problem: string) {
    return invalidInput(`Anonymization ${this.name} line ${this.line}: ${problem}`, { line: this.line });
  }

  atEnd(): boolean { return this.pos >= this.end; }
  peek(): string { return this.atEnd() ? '' : this.text.charAt(this.pos); }
  rest(prefix = ''): string { return (prefix + this.text.slice(this.pos, this.end)).trim(); }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.peek())) this.pos++;
  }

  take(token: string): boolean {
    if (this.text.startsWith(token, this.pos) && this.pos + token.length <= this.end) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  word(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos, this.end));
    this.pos += m ? m[0].length : 0;
    return m ? m[0] : '';
  }

  /** `(gggg,eeee)`; x/X digits only where a mask is allowed. */
  tag(options: { allowMask: boolean; allowProtected?: boolean }): string {
    const m = /^\(\s*([0-9A-Fa-fXx]{4})\s*,\s*([0-9A-Fa-fXx]{4})\s*\)/.exec(this.text.slice(this.pos, this.end));
    if (!m) throw this.fail(`expected a tag (gggg,eeee) of 4+4 hex digits, found '${this.rest() || 'the end of the line'}'`);
    this.pos += m[0].length;
    const key = `${m[1]}${m[2]}`.toUpperCase();
    const shown = `(${key.slice(0, 4)},${key.slice(4)})`;
    if (key.includes('X') && !options.allowMask) throw this.fail(`wildcards (x) are only allowed in deletions, found ${shown}`);
    if (!options.allowProtected && !key.includes('X')) {
      if (key.startsWith('0002')) throw this.fail(`file meta information ${shown} cannot be changed by a script`);
      if (key === PIXEL_DATA) throw this.fail('pixel data (7FE0,0010) cannot be changed by a script');
      if (key.startsWith('FFFE')) throw this.fail(`${shown} is an item delimiter, not a data element`);
    }
    return key;
  }

  /** A quoted string, "..." or '...', with \" \' and \\ escapes. */
  string(): string {
    const quote = this.peek();
    if (quote !== '"' && quote !== '\'') throw this.fail(`expected a quoted string, found '${this.rest() || 'the end of the line'}'`);
    let out = '';
    for (let i = this.pos + 1; i < this.end; i++) {
      const c = this.text.charAt(i);
      if (c === '\\' && i + 1 < this.end) {
        out += this.text.charAt(++i);
      } else if (c === quote) {
        this.pos = i + 1;
        return out;
      } else {
        out += c;
      }
    }
    throw this.fail(`unterminated string: expected a closing ${quote}`);
  }
}

/** Where a // or # comment starts on the line (outside quoted strings), or the line length. */
function commentStart(text: string): number {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === '\'') {
      quote = c;
    } else if (c === '#' || (c === '/' && text.charAt(i + 1) === '/')) {
      return i;
    }
  }
  return text.length;
}
