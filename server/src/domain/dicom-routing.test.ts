import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from './errors.js';
import {
  assignedValue, autoArchiveHintOf, parseRoutingRules, projectCandidates, sessionLabelOf, subjectLabelOf, toLabelChars, xnatUrlOf,
  type DicomTags,
} from './dicom-routing.js';

const PATIENT_NAME = '00100010';
const PATIENT_ID = '00100020';
const ACCESSION = '00080050';
const DESCRIPTION = '00081030';
const PATIENT_COMMENTS = '00104000';
const STUDY_COMMENTS = '00324000';
const HISTORY = '001021B0';

function tags(values: Record<string, string>): DicomTags {
  return { text: (tag) => values[tag] };
}

function refusal(text: string): AppError {
  try {
    parseRoutingRules(text);
  } catch (e) {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'invalid_input');
    return e;
  }
  assert.fail(`rules were accepted: ${text}`);
}

describe('parseRoutingRules', () => {
  it('reads tag, expression and group; skips blank lines and # comments', () => {
    const rules = parseRoutingRules('# site rules\n\n(0008,1030):^Study of (\\w+)\n  (0010,4000):proj=(\\w+)-(\\w+):2  \r\n(0020,0010):.*:0\n');
    assert.deepEqual(rules.map((r) => [r.tag, r.pattern.source, r.group]), [
      ['00081030', '^Study of (\\w+)', 1],
      ['00104000', 'proj=(\\w+)-(\\w+)', 2],
      ['00200010', '.*', 0],
    ]);
    assert.equal(rules[1]?.source, '(0010,4000):proj=(\\w+)-(\\w+):2');
  });

  it('upper-cases hex tags and keeps colons inside the expression', () => {
    const [rule] = parseRoutingRules('(0010,21b0):Project:\\s*(\\w+)');
    assert.equal(rule?.tag, '001021B0');
    assert.equal(rule?.pattern.source, 'Project:\\s*(\\w+)');
    assert.equal(rule?.group, 1);
  });

  it('refuses malformed tags naming the line', () => {
    const e = refusal('(0008,1030):(\\w+)\n\n(0008,10300):(\\w+)');
    assert.match(e.message, /line 3: expected \(gggg,eeee\):REGEX\[:GROUP\]/);
    assert.equal(e.details?.line, 3);
    assert.match(refusal('(00G8,1030):(x)').message, /line 1:.*hex/);
    assert.match(refusal('0008,1030:(x)').message, /line 1/);
    assert.match(refusal('(0008,1030)(x)').message, /line 1/);
  });

  it('refuses bad regular expressions and empty ones', () => {
    assert.match(refusal('# ok\n(0008,1030):Study (\\w+').message, /line 2: invalid regular expression \/Study \(\\w\+\/:/);
    assert.match(refusal('(0008,1030):').message, /line 1: the regular expression is empty/);
    assert.match(refusal('(0008,1030)::2').message, /line 1: the regular expression is empty/);
  });

  it('refuses a group beyond the expression capture groups', () => {
    assert.match(refusal('(0008,1030):(a)(b):3').message, /line 1: group 3 is out of range: the expression has 2 capture groups/);
    assert.match(refusal('(0010,0020):[0-9]+').message, /line 1: group 1 is out of range: the expression has 0 capture groups/);
    assert.equal(parseRoutingRules('(0010,0020):(?:x)(y):1').length, 1);
  });
});

describe('assignedValue (Key: matcher)', () => {
  it('finds the key at the start or after whitespace, comma or semicolon, case-insensitively', () => {
    const text = 'Project: ABC Subject: S01 Session: S01_MR1';
    assert.deepEqual(['Project', 'Subject', 'Session'].map((k) => assignedValue(text, k)), ['ABC', 'S01', 'S01_MR1']);
    assert.equal(assignedValue('x,project:P1;y', 'Project'), 'P1');
    assert.equal(assignedValue('a;PROJECT : P-2', 'Project'), 'P-2');
    assert.equal(assignedValue('note\tProject:P3', 'Project'), 'P3');
  });

  it('ignores the key inside a word and values followed by other characters', () => {
    assert.equal(assignedValue('MyProject: P1', 'Project'), undefined);
    assert.equal(assignedValue('Project: P1.x', 'Project'), undefined);
    assert.equal(assignedValue('Project: P1/x', 'Project'), undefined);
    assert.equal(assignedValue('Project:', 'Project'), undefined);
    assert.equal(assignedValue('Project: , Subject: S', 'Project'), undefined);
    assert.equal(assignedValue(undefined, 'Project'), undefined);
  });

  it('cuts values to 64 characters', () => {
    assert.equal(assignedValue(`Project: ${'p'.repeat(80)}`, 'Project'), 'p'.repeat(64));
  });
});

describe('xnatUrlOf', () => {
  it('reads project, subject and session, with or without the later parts', () => {
    assert.deepEqual(xnatUrlOf('xnat://P1/S1/E1'), { project: 'P1', subject: 'S1', session: 'E1' });
    assert.deepEqual(xnatUrlOf('Brain xnat://P1/S1'), { project: 'P1', subject: 'S1', session: undefined });
    assert.deepEqual(xnatUrlOf('XNAT://P1'), { project: 'P1', subject: undefined, session: undefined });
    assert.equal(xnatUrlOf('https://xnat://P1'), undefined);
    assert.equal(xnatUrlOf('no url'), undefined);
  });
});

describe('projectCandidates', () => {
  const all = {
    [PATIENT_COMMENTS]: 'Project: FROM_PC',
    [STUDY_COMMENTS]: 'Project: FROM_SC',
    [HISTORY]: 'Project: FROM_AH',
    [DESCRIPTION]: 'xnat://FROM_URL/S/E',
    [ACCESSION]: 'ACC1',
    [PATIENT_ID]: 'X99 trial',
  };

  it('lists rules, the three comment tags, the xnat:// project, the description, the accession number in that order', () => {
    const rules = parseRoutingRules('(0010,0020):^(\\w+) trial');
    assert.deepEqual(projectCandidates(tags(all), rules), ['X99', 'FROM_PC', 'FROM_SC', 'FROM_AH', 'FROM_URL', 'xnat://FROM_URL/S/E', 'ACC1']);
  });

  it('drops each source in turn to reveal the next', () => {
    const values: Record<string, string> = { ...all };
    const firsts: string[] = [];
    for (const tag of [PATIENT_COMMENTS, STUDY_COMMENTS, HISTORY, DESCRIPTION, ACCESSION]) {
      firsts.push(projectCandidates(tags(values), [])[0] ?? '');
      delete values[tag];
    }
    assert.deepEqual(firsts, ['FROM_PC', 'FROM_SC', 'FROM_AH', 'FROM_URL', 'ACC1']);
    assert.deepEqual(projectCandidates(tags(values), []), []);
  });

  it('uses the whole Study Description when it holds no assignment or URL, and skips empty values and duplicates', () => {
    assert.deepEqual(projectCandidates(tags({ [DESCRIPTION]: ' BRAIN_STUDY ', [ACCESSION]: 'BRAIN_STUDY', [PATIENT_COMMENTS]: '  ' }), []), ['BRAIN_STUDY']);
    assert.deepEqual(projectCandidates(tags({ [DESCRIPTION]: '', [ACCESSION]: 'A' }), []), ['A']);
  });

  it('tries rules in order, skipping rules whose tag is absent or does not match, and cuts values to 64 characters', () => {
    const rules = parseRoutingRules('(0008,0080):(\\w+)\n(0010,0020):^Z(\\w+)\n(0008,0050):^(\\w+)');
    assert.deepEqual(projectCandidates(tags({ [PATIENT_ID]: 'P1', [ACCESSION]: 'a'.repeat(70) }), rules), ['a'.repeat(64), 'a'.repeat(70)]);
  });
});

describe('subjectLabelOf', () => {
  it('prefers rules, then Subject: in the comments, then the xnat:// subject, then Patient Name', () => {
    const rules = parseRoutingRules('(0010,0020):^(\\w+)_');
    const values: Record<string, string> = {
      [PATIENT_ID]: 'RULE_1', [PATIENT_COMMENTS]: 'Subject: PC', [STUDY_COMMENTS]: 'Subject: SC', [HISTORY]: 'Subject: AH',
      [DESCRIPTION]: 'xnat://P/URL_S/E', [PATIENT_NAME]: 'DOE^JOHN',
    };
    const seen: (string | undefined)[] = [subjectLabelOf(tags(values), rules)];
    for (const tag of [PATIENT_COMMENTS, STUDY_COMMENTS, HISTORY, DESCRIPTION, PATIENT_NAME]) {
      seen.push(subjectLabelOf(tags(values), []));
      delete values[tag];
    }
    assert.deepEqual(seen, ['RULE', 'PC', 'SC', 'AH', 'URL_S', 'DOE_JOHN']);
    assert.equal(subjectLabelOf(tags(values), []), undefined);
  });

  it('passes values through toLabelChars and skips those that end up empty', () => {
    assert.equal(subjectLabelOf(tags({ [PATIENT_NAME]: 'O\'NEIL^ANN MARIE ' }), []), 'O_NEIL_ANN_MARIE');
    assert.equal(subjectLabelOf(tags({ [DESCRIPTION]: 'xnat://P', [PATIENT_NAME]: '  ' }), []), undefined);
    assert.equal(subjectLabelOf(tags({ [DESCRIPTION]: 'xnat://P/a.b', [PATIENT_NAME]: 'X' }), []), 'a_b');
  });
});

describe('sessionLabelOf', () => {
  it('prefers rules, then Session: in the comments, then the xnat:// session, then Patient ID', () => {
    const rules = parseRoutingRules('(0008,0050):^ACC-(\\d+)');
    const values: Record<string, string> = {
      [ACCESSION]: 'ACC-42', [PATIENT_COMMENTS]: 'Project: P Session: PC_MR1', [STUDY_COMMENTS]: 'Session:SC', [HISTORY]: 'session : AH',
      [DESCRIPTION]: 'xnat://P/S/URL_E', [PATIENT_ID]: 'PID 7',
    };
    const seen: (string | undefined)[] = [sessionLabelOf(tags(values), rules)];
    for (const tag of [PATIENT_COMMENTS, STUDY_COMMENTS, HISTORY, DESCRIPTION, PATIENT_ID]) {
      seen.push(sessionLabelOf(tags(values), []));
      delete values[tag];
    }
    assert.deepEqual(seen, ['42', 'PC_MR1', 'SC', 'AH', 'URL_E', 'PID_7']);
    assert.equal(sessionLabelOf(tags(values), []), undefined);
  });

  it('falls back to Patient ID when the xnat:// string has no session part', () => {
    assert.equal(sessionLabelOf(tags({ [DESCRIPTION]: 'xnat://P/S', [PATIENT_ID]: 'ID1' }), []), 'ID1');
  });
});

describe('autoArchiveHintOf', () => {
  it('reads AA: true/t and false/f in any case from the comment tags', () => {
    assert.equal(autoArchiveHintOf(tags({ [PATIENT_COMMENTS]: 'Project: P AA: true' })), true);
    assert.equal(autoArchiveHintOf(tags({ [STUDY_COMMENTS]: 'aa:T' })), true);
    assert.equal(autoArchiveHintOf(tags({ [HISTORY]: 'AA: False' })), false);
    assert.equal(autoArchiveHintOf(tags({ [HISTORY]: 'AA:f' })), false);
  });

  it('ignores other values and looks at the next tag', () => {
    assert.equal(autoArchiveHintOf(tags({ [PATIENT_COMMENTS]: 'AA: yes' })), undefined);
    assert.equal(autoArchiveHintOf(tags({ [PATIENT_COMMENTS]: 'AA: maybe', [STUDY_COMMENTS]: 'AA: f' })), false);
    assert.equal(autoArchiveHintOf(tags({})), undefined);
  });
});

describe('toLabelChars', () => {
  it('replaces characters outside letters, digits, _ and - and trims to 64 characters', () => {
    assert.equal(toLabelChars('DOE^JOHN'), 'DOE_JOHN');
    assert.equal(toLabelChars('  a b.c/d-e_f  '), 'a_b_c_d-e_f');
    assert.equal(toLabelChars('é'), '_');
    assert.equal(toLabelChars('x'.repeat(70)), 'x'.repeat(64));
  });
});
