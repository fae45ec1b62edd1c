import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { messageOfBody } from './server-message.js';

describe('messageOfBody', () => {
  it('takes the message from plain text, /xapi JSON and XNAT-style HTML pages', () => {
    assert.equal(messageOfBody(' Subject already exists \n', 'text/plain'), 'Subject already exists');
    assert.equal(messageOfBody('{"error":{"message":"Unknown user: bob"}}', 'application/json; charset=utf-8'), 'Unknown user: bob');
    assert.equal(messageOfBody('<!DOCTYPE html><html><body><h3>The upload is not a zip</h3></body></html>', 'text/html'), 'The upload is not a zip');
  });

  it('keeps text that only claims to be JSON, and drops HTML without a message', () => {
    assert.equal(messageOfBody('not json', 'application/json'), 'not json');
    assert.equal(messageOfBody('{"other":1}', 'application/json'), '{"other":1}');
    assert.equal(messageOfBody('<html><body>Oops</body></html>', 'text/html'), '');
    assert.equal(messageOfBody('', null), '');
  });
});
