import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from './errors.js';
import { hashUid, HASH_UID_ROOT, isPrivateTag, parseAnonymizationScript, tagMatches } from './anonymization-script.js';

function refusal(text: string): AppError {
  try {
    parseAnonymizationScript(text, 'site script');
  } catch (e) {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'invalid_input');
    return e;
  }
  assert.fail(`script was accepted: ${text}`);
}

describe('parseAnonymizationScript', () => {
  it('parses every statement form into the AST with line numbers', () => {
    const script = parseAnonymizationScript([
      'version "6.1"',
      '// header comment',
      '# another comment',
      '',
      '-(0010,1000)',
      '-(0029,xxxx)   // all of group 0029',
      '- (50XX,XXXX)',
      'removeAllPrivateTags',
      '(0010,0010) := "ANON"',
      '(0010,0020) := subject',
      '(0008,0050) := $session',
      '(0010,4000):=project',
      '(0008,0080) := ""',
      'blank (0008,0090)',
      '(0020,000d) := hashUID[(0020,000D)]',
      '(0010,1001) := (0010,0010)',
      '(0008,1030) := "Say \\"hi\\" // not a comment # nor this"',
      '(0008,103E) := \'single\'',
    ].join('\n'), 'site script');
    assert.equal(script.name, 'site script');
    assert.deepEqual(script.statements, [
      { kind: 'delete', line: 5, mask: '00101000' },
      { kind: 'delete', line: 6, mask: '0029XXXX' },
      { kind: 'delete', line: 7, mask: '50XXXXXX' },
      { kind: 'removeAllPrivateTags', line: 8 },
      { kind: 'set', line: 9, tag: '00100010', value: { kind: 'literal', text: 'ANON' } },
      { kind: 'set', line: 10, tag: '00100020', value: { kind: 'variable', name: 'subject' } },
      { kind: 'set', line: 11, tag: '00080050', value: { kind: 'variable', name: 'session' } },
      { kind: 'set', line: 12, tag: '00104000', value: { kind: 'variable', name: 'project' } },
      { kind: 'blank', line: 13, tag: '00080080' },
      { kind: 'blank', line: 14, tag: '00080090' },
      { kind: 'set', line: 15, tag: '0020000D', value: { kind: 'hashUid', tag: '0020000D' } },
      { kind: 'set', line: 16, tag: '00101001', value: { kind: 'copy', tag: '00100010' } },
      { kind: 'set', line: 17, tag: '00081030', value: { kind: 'literal', text: 'Say "hi" // not a comment # nor this' } },
      { kind: 'set', line: 18, tag: '0008103E', value: { kind: 'literal', text: 'single' } },
    ]);
  });

  it('accepts CRLF line ends and an empty script', () => {
    assert.equal(parseAnonymizationScript('-(0010,1000)\r\n-(0010,1001)\r\n').statements.length, 2);
    assert.deepEqual(parseAnonymizationScript('// nothing\n\n').statements, []);
  });

  it('refuses unknown statements naming the line and the expected forms', () => {
    const e = refusal('-(0010,1000)\n\ndelete (0010,0010)');
    assert.match(e.message, /^Anonymization site script line 3: expected a statement \(-\(gggg,eeee\), \(gggg,eeee\) := value, blank/);
    assert.match(e.message, /found 'delete \(0010,0010\)'/);
    assert.equal(e.details?.line, 3);
  });

  it('refuses malformed tags', () => {
    assert.match(refusal('-(0010,100)').message, /line 1: expected a tag \(gggg,eeee\) of 4\+4 hex digits, found '\(0010,100\)'/);
    assert.match(refusal('(0010 0010) := "A"').message, /line 1: expected a tag/);
    assert.match(refusal('-').message, /line 1: expected a tag .* found 'the end of the line'/);
    assert.match(refusal('blank 0010,0010').message, /line 1: expected a tag/);
  });

  it('refuses wildcards outside deletions', () => {
    assert.match(refusal('(0010,xxxx) := "A"').message, /line 1: wildcards \(x\) are only allowed in deletions, found \(0010,XXXX\)/);
    assert.match(refusal('blank (0010,00xx)').message, /wildcards/);
  });

  it('refuses statements that would change file meta information, pixel data or item delimiters', () => {
    assert.match(refusal('(0002,0003) := "1.2"').message, /line 1: file meta information \(0002,0003\) cannot be changed/);
    assert.match(refusal('-(7FE0,0010)').message, /pixel data \(7FE0,0010\) cannot be changed/);
    assert.match(refusal('-(FFFE,E000)').message, /item delimiter/);
  });

  it('refuses a missing :=, a missing or unknown value, and trailing text', () => {
    assert.match(refusal('(0010,0010) = "A"').message, /line 1: expected ':=' after the tag, found '= "A"'/);
    assert.match(refusal('(0010,0010) :=').message, /line 1: expected a value after ':=' .* found 'the end of the line'/);
    assert.match(refusal('(0010,0010) := patient').message, /found 'patient'/);
    assert.match(refusal('(0010,0010) := $hashUID').message, /found '\$hashUID'/);
    assert.match(refusal('(0010,0010) := "A" "B"').message, /line 1: expected the end of the line after the statement, found '"B"'/);
    assert.match(refusal('removeAllPrivateTags now').message, /expected the end of the line/);
  });

  it('refuses an unterminated string and a malformed hashUID', () => {
    assert.match(refusal('(0010,0010) := "ANON').message, /line 1: unterminated string: expected a closing "/);
    assert.match(refusal('version 6.1').message, /line 1: expected a quoted string/);
    assert.match(refusal('(0020,000D) := hashUID(0020,000D)').message, /expected '\[' after hashUID/);
    assert.match(refusal('(0020,000D) := hashUID[(0020,000D)').message, /expected '\]' to close hashUID\[/);
  });
});

describe('tagMatches and isPrivateTag', () => {
  it('matches wildcard digits and compares the rest exactly', () => {
    assert.equal(tagMatches('0029XXXX', '00291010'), true);
    assert.equal(tagMatches('0029XXXX', '00281010'), false);
    assert.equal(tagMatches('50XXXXXX', '50020010'), true);
    assert.equal(tagMatches('00100010', '00100010'), true);
    assert.equal(tagMatches('00100010', '00100020'), false);
  });

  it('calls odd groups private', () => {
    assert.deepEqual(['00291010', '00090010', '00100010', '7FE00010'].map(isPrivateTag), [true, true, false, false]);
  });
});

describe('hashUid', () => {
  it('is deterministic, distinct for distinct inputs, and a valid UID under 2.25', () => {
    const inputs = ['1.2.3', '1.2.4', '1.2.840.113619.2.55.3.604688119.969.1268071029.320', '1.2.3.', ''];
    const outputs = inputs.map(hashUid);
    assert.deepEqual(inputs.map(hashUid), outputs);
    assert.equal(new Set(outputs).size, inputs.length);
    for (const uid of outputs) {
      assert.ok(uid.startsWith(HASH_UID_ROOT), uid);
      assert.ok(uid.length <= 64, uid);
      assert.match(uid, /^2\.25\.[1-9][0-9]*$/);
      assert.ok(BigInt(uid.slice(HASH_UID_ROOT.length)) < 2n ** 128n);
    }
  });

  it('ignores the padding a UID value may carry', () => {
    assert.equal(hashUid('1.2.3\0'), hashUid('1.2.3'));
    assert.notEqual(hashUid('1.2.3'), '1.2.3');
  });
});
