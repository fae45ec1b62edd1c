import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('runs work of one key one at a time, other keys alongside', async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}:end`);
    };
    await Promise.all([m.run('a', step('a1', 20)), m.run('a', step('a2', 1)), m.run('b', step('b1', 1))]);
    assert.ok(log.indexOf('a1:end') < log.indexOf('a2:start'));
    assert.ok(log.indexOf('b1:end') < log.indexOf('a1:end'));
  });

  it('coalesces a burst into the run that has not started yet', async () => {
    const m = new KeyedMutex();
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
    };
    const first = m.coalesce('k', work);
    await new Promise((r) => setImmediate(r));
    await Promise.all([first, m.coalesce('k', work), m.coalesce('k', work), m.coalesce('k', work)]);
    assert.equal(runs, 2, 'one run already started, one more for everything that came during it');
  });
});
