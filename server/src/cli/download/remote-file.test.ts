import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataPath, parseFileUri } from './remote-file.js';

describe('file URIs of listings', () => {
  it('finds the scan and the path inside the resource', () => {
    assert.deepEqual(parseFileUri('/data/experiments/E1/scans/1/resources/57/files/a/b%20c.dcm'), { scan: '1', path: 'a/b c.dcm' });
    assert.deepEqual(parseFileUri('/data/experiments/E1/resources/NOTES/files/x.txt'), { scan: undefined, path: 'x.txt' });
    assert.equal(parseFileUri('/data/experiments/E1'), undefined);
  });

  it('adds the /data prefix XNAT leaves out of multi-resource listings and catalogs', () => {
    assert.equal(dataPath('/experiments/E1/scans/1/resources/2/files/a'), '/data/experiments/E1/scans/1/resources/2/files/a');
    assert.equal(dataPath('/archive/experiments/E1/scans/1/resources/DICOM/files'), '/data/experiments/E1/scans/1/resources/DICOM/files');
    assert.equal(dataPath('/data/experiments/E1'), '/data/experiments/E1');
    assert.equal(dataPath('https://x.org/data/a'), 'https://x.org/data/a');
  });
});
