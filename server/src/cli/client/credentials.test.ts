import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CredentialStore, normaliseServerUrl } from './credentials.js';

describe('stored logins', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  it('keys servers by scheme, host, port and path', () => {
    assert.equal(normaliseServerUrl('https://xnat.example.org/'), 'https://xnat.example.org');
    assert.equal(normaliseServerUrl('xnat.example.org/xnat/'), 'https://xnat.example.org/xnat');
    assert.equal(normaliseServerUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.throws(() => normaliseServerUrl('ftp://x'), /not an http\(s\) URL/);
  });

  it('writes the file and its folder for the owner only, and forgets logins', async () => {
    const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-cred-')), 'config');
    dirs.push(path.dirname(dir));
    const store = new CredentialStore(dir);
    await store.set('https://a.example.org/', { user: 'jdoe', alias: 'al', secret: 'se', savedAt: 'now' });
    await store.set('https://b.example.org', { user: 'jdoe', password: 'pw', savedAt: 'now' });
    assert.equal((await fs.stat(store.file)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
    assert.equal(await store.defaultServer(), 'https://b.example.org');
    assert.equal((await store.get('https://a.example.org'))?.alias, 'al');
    await store.remove('https://b.example.org');
    assert.equal(await store.defaultServer(), 'https://a.example.org');
    assert.equal(await store.get('https://b.example.org'), undefined);
  });
});
