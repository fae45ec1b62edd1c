import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPERIMENT_FIELDS, SUBJECT_FIELDS, findField } from './fields.js';
import { fieldChangesFrom, normaliseFieldValue } from './field-values.js';

const field = (defs: typeof SUBJECT_FIELDS, key: string) => findField(defs, key)!;

describe('field values', () => {
  it('finds fields by shortcut, alias and xpath with or without qualifiers', () => {
    assert.equal(findField(SUBJECT_FIELDS, 'gender')?.key, 'gender');
    assert.equal(findField(SUBJECT_FIELDS, 'xnat:subjectData/demographics[@xsi:type=xnat:demographicData]/gender')?.key, 'gender');
    assert.equal(findField(SUBJECT_FIELDS, 'xnat:subjectData/gender')?.key, 'gender');
    assert.equal(findField(EXPERIMENT_FIELDS, 'xnat:mrSessionData/fieldStrength')?.key, 'fieldStrength');
    assert.equal(findField(EXPERIMENT_FIELDS, 'studyInstanceUID')?.key, 'UID');
    assert.equal(findField(EXPERIMENT_FIELDS, 'xnat:imageSessionData/scanner/manufacturer')?.key, 'scanner_manufacturer');
    assert.equal(findField(SUBJECT_FIELDS, 'shoe_size'), undefined);
  });

  it('normalises dates, times, numbers and enumerations', () => {
    assert.equal(normaliseFieldValue(field(SUBJECT_FIELDS, 'dob'), '19800131'), '1980-01-31');
    assert.equal(normaliseFieldValue(field(SUBJECT_FIELDS, 'dob'), '1/31/1980'), '1980-01-31');
    assert.throws(() => normaliseFieldValue(field(SUBJECT_FIELDS, 'dob'), '1980-02-30'), /expected a date/);
    assert.equal(normaliseFieldValue(field(EXPERIMENT_FIELDS, 'time'), '101112'), '10:11:12');
    assert.throws(() => normaliseFieldValue(field(EXPERIMENT_FIELDS, 'time'), '25:00'), /expected a time/);
    assert.equal(normaliseFieldValue(field(SUBJECT_FIELDS, 'yob'), '01980'), '1980');
    assert.throws(() => normaliseFieldValue(field(SUBJECT_FIELDS, 'yob'), '19.5'), /whole number/);
    assert.equal(normaliseFieldValue(field(SUBJECT_FIELDS, 'weight'), '72.50'), '72.5');
    assert.equal(normaliseFieldValue(field(SUBJECT_FIELDS, 'gender'), 'F'), 'female');
    assert.throws(() => normaliseFieldValue(field(SUBJECT_FIELDS, 'handedness'), 'both'), /one of right, left, ambidextrous, unknown/);
    assert.equal(normaliseFieldValue(field(SUBJECT_FIELDS, 'gender'), 'NULL'), null);
  });

  it('separates field parameters from others', () => {
    const { changes, unknown } = fieldChangesFrom(SUBJECT_FIELDS, { gender: 'm', format: 'json', 'xnat:subjectData/yob': '1990' });
    assert.deepEqual(changes, { gender: 'male', yob: '1990' });
    assert.deepEqual(unknown, ['format']);
  });
});
