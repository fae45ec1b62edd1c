import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS } from '../../src/config/schema.js';

const README = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md'), 'utf8');

describe('README', () => {
  it('documents every configuration key with its environment variable', () => {
    for (const [key, def] of Object.entries(CONFIG_KEYS)) {
      assert.ok(README.includes(`| \`${key}\` | \`${def.env}\` |`), `README lacks a row for ${key} (${def.env})`);
    }
  });

  it('gives the two commands: start, and test', () => {
    assert.match(README, /```sh\nnpm install && npx xnat-ts serve\n```/);
    assert.match(README, /```sh\nnpm install && npm test\n```/);
  });
});
