import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSession, compareScanIds, dicomDate, dicomTime, scanFolderFor, sessionModality, type ReceivedFile } from './session-building.js';

const file = (over: Partial<ReceivedFile>): ReceivedFile => ({
  scan: '1', name: 'x.dcm', size: 100, md5: 'm', sopInstanceUid: '1', sopClassUid: '1.2.840.10008.5.1.4.1.1.4', seriesInstanceUid: '1.1', seriesNumber: '1',
  seriesDescription: 'T1', modality: 'MR', frames: 1, studyDate: '20240301', studyTime: '101500.123', seriesTime: '1016', manufacturer: 'ACME',
  modelName: 'M3T', stationName: 'SCANNER1', patientName: 'DOE^J', patientId: 'ID1', accessionNumber: 'ACC1', ...over,
});

describe('building sessions from received instances', () => {
  test('scan folders come from SeriesNumber, stay with their series, and never hold two series', () => {
    const taken = new Map<string, string>();
    const a = scanFolderFor('3', 'uid-a', taken);
    taken.set(a, 'uid-a');
    assert.equal(a, '3');
    assert.equal(scanFolderFor('3', 'uid-a', taken), '3');
    const b = scanFolderFor('3', 'uid-b', taken);
    assert.equal(b, '3-2');
    taken.set(b, 'uid-b');
    assert.equal(scanFolderFor('3', 'uid-c', taken), '3-3');
    assert.equal(scanFolderFor('', '1.2.840.5', new Map()), '1_2_840_5');
    assert.equal(scanFolderFor('4/../x', '', new Map()), 'NA');
  });

  test('session type from the modalities: PET wins over CT and MR, secondary objects never decide', () => {
    assert.equal(sessionModality(['CT', 'PT']), 'PT');
    assert.equal(sessionModality(['SR', 'MR']), 'MR');
    assert.equal(sessionModality(['US', 'SR']), 'US');
    assert.equal(sessionModality(['SR']), 'SR');
    assert.equal(buildSession([file({ modality: 'XC' })]).xsiType, 'xnat:otherDicomSessionData');
    assert.equal(buildSession([file({ modality: 'CT' }), file({ modality: 'PT', scan: '2', seriesInstanceUid: '2' })]).xsiType, 'xnat:petSessionData');
  });

  test('session and scan values come from the headers', () => {
    const built = buildSession([
      file({ scan: '10', name: 'b.dcm', frames: 3 }), file({ scan: '10', name: 'a.dcm', frames: 1 }),
      file({ scan: '2', seriesInstanceUid: '2.2', seriesDescription: '', modality: 'MR' }),
    ]);
    assert.deepEqual(built.scans.map((s) => s.scanId), ['2', '10']);
    const t1 = built.scans[1]!;
    assert.deepEqual(t1.fields, { UID: '1.1', series_description: 'T1', type: 'T1', modality: 'MR', scanner: 'SCANNER1', startTime: '10:16:00', frames: '4' });
    assert.deepEqual(t1.files.map((f) => f.name), ['a.dcm', 'b.dcm']);
    assert.equal(t1.xsiType, 'xnat:mrScanData');
    assert.equal(built.scans[0]!.fields.type, undefined);
    assert.deepEqual(built.fields, {
      date: '2024-03-01', time: '10:15:00', modality: 'MR', scanner: 'SCANNER1', scanner_manufacturer: 'ACME', scanner_model: 'M3T',
      dcmPatientName: 'DOE^J', dcmPatientId: 'ID1', dcmAccessionNumber: 'ACC1',
    });
  });

  test('DICOM dates and times', () => {
    assert.equal(dicomDate('20240301'), '2024-03-01');
    assert.equal(dicomDate('2024.03.01'), '2024-03-01');
    assert.equal(dicomDate('March'), undefined);
    assert.equal(dicomTime('0930'), '09:30:00');
    assert.equal(dicomTime('12'), '12:00:00');
    assert.equal(dicomTime('x'), undefined);
    assert.ok(compareScanIds('2', '10') < 0 && compareScanIds('10', 'abc') < 0 && compareScanIds('3', '3-2') < 0);
  });
});
