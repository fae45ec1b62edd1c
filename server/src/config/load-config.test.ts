import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defaultConfigFile, loadConfig, redactedConfig } from './load-config.js';

describe('configuration', () => {
  it('uses documented defaults: SQLite in ./data, port 8080 on loopback', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.database.kind, 'sqlite');
    assert.equal(c.database.url, path.resolve('./data/xnat-ts.sqlite'));
    assert.equal(c.database.autoMigrate, true);
    assert.equal(c.archiveDir, path.resolve('./data/archive'));
    assert.deepEqual([c.http.host, c.http.port], ['127.0.0.1', 8080]);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.http));
  });

  it('merges file < environment < flags', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')), 'c.json');
    fs.writeFileSync(file, JSON.stringify({ http: { port: 1000, host: '0.0.0.0' }, site: { id: 'LAB' } }));
    const c = loadConfig({ file, env: { XNAT_TS_PORT: '2000' }, flags: { 'http.host': '127.0.0.2' } });
    assert.deepEqual([c.http.port, c.http.host, c.site.id], [2000, '127.0.0.2', 'LAB']);
  });

  it('recognises PostgreSQL URLs and does not migrate them automatically', () => {
    const c = loadConfig({ env: { XNAT_TS_DB: 'postgres://u:secret@db:5432/x' } });
    assert.equal(c.database.kind, 'postgres');
    assert.equal(c.database.autoMigrate, false);
    assert.equal((redactedConfig(c) as { database: { url: string } }).database.url, 'postgres://u:***@db:5432/x');
  });

  it('refuses unknown keys and bad values with the key named', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')), 'c.json');
    fs.writeFileSync(file, JSON.stringify({ http: { prot: 1 } }));
    assert.throws(() => loadConfig({ file, env: {} }), /unknown key 'http.prot'/);
    assert.throws(() => loadConfig({ env: { XNAT_TS_PORT: 'eighty' } }), /http.port must be a whole number/);
    assert.throws(() => loadConfig({ env: { XNAT_TS_REQUIRE_LOGIN: 'perhaps' } }), /site.requireLogin must be true or false/);
    assert.throws(() => loadConfig({ env: { XNAT_TS_LOG_LEVEL: 'loud' } }), /logging.level/);
  });

  it('writes a default config file that loads back to the defaults', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')), 'c.json');
    fs.writeFileSync(file, defaultConfigFile());
    assert.deepEqual(loadConfig({ file, env: {} }), loadConfig({ env: {} }));
  });
});
