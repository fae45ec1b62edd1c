import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { describeClientError } from './client-commands.js';
import { registerDownloadCommand } from './commands/download.js';
import { registerTransferCommand } from './commands/transfer.js';
import { registerUploadCommand } from './commands/upload.js';

/**
 * The client commands' refusals of a bad command line: each is one line naming the problem, with exit
 * code 2 for usage mistakes (1 for files that cannot be read), before any server is contacted and before
 * anything is written.
 */
describe('client command refusals', () => {
  let dir: string;
  let configDir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-cli-refusals-'));
    configDir = path.join(dir, 'config');
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  async function refusal(args: string[], settings: { user?: string; password?: string } = {}): Promise<{ message: string; exitCode: number }> {
    const program = new Command('xnat-ts').exitOverride();
    const env = () => ({ configDir, ...settings });
    registerDownloadCommand(program, env);
    registerUploadCommand(program, env);
    registerTransferCommand(program, env);
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch (e) {
      const described = describeClientError(e);
      assert.ok(described, `not a client error: ${(e as Error).stack}`);
      return described;
    }
    assert.fail(`xnat-ts ${args.join(' ')} was not refused`);
  }

  it('download: a selection or a catalog, a known layout, a sensible parallelism, a login', async () => {
    const cases: [string[], RegExp, number][] = [
      [['download'], /^Give either --project \(with optional --subject\/--session filters\) or --catalog <file>$/, 2],
      [['download', '--project', 'P', '--catalog', 'c.xml'], /^Give either --project/, 2],
      [['download', '--project', 'P', '--structure', 'flat'], /^Unknown --structure 'flat': use default, simplified or improved$/, 2],
      [['download', '--project', 'P', '--parallel', '0'], /^--parallel must be a number from 1 to 64, not '0'$/, 2],
      [['download', '--project', 'P', '--parallel', 'many'], /^--parallel must be a number from 1 to 64, not 'many'$/, 2],
      [['download', '--project', 'P'], /^No server given: log in first/, 2],
      [['download', '--project', 'P', '--server', 'http://127.0.0.1:9'], /^Not logged in to http:\/\/127\.0\.0\.1:9: run xnat-ts login http:\/\/127\.0\.0\.1:9$/, 2],
      [['download', '--project', 'P', '--server', 'ftp://x'], /^'ftp:\/\/x' is not an http\(s\) URL$/, 2],
    ];
    for (const [args, message, exitCode] of cases) {
      const r = await refusal(args);
      assert.match(r.message, message, args.join(' '));
      assert.equal(r.exitCode, exitCode, args.join(' '));
    }
    const missing = path.join(dir, 'missing.xml');
    const unreadable = await refusal(['download', '--server', 'http://127.0.0.1:9', '--catalog', missing], { user: 'u', password: 'p' });
    assert.deepEqual(unreadable, { message: `Cannot read --catalog ${missing}: ENOENT`, exitCode: 1 });
    assert.deepEqual(await fs.readdir(dir), [], 'nothing was written');
  });

  it('upload: a known destination and overwrite mode, inputs that exist and hold files', async () => {
    const empty = path.join(dir, 'empty');
    await fs.mkdir(empty);
    const cases: [string[], RegExp][] = [
      [['upload', empty, '--project', 'P', '--to', 'elsewhere'], /^--to must be prearchive or archive, not 'elsewhere'$/],
      [['upload', empty, '--project', 'P', '--overwrite', 'always'], /^--overwrite must be none, append or delete, not 'always'$/],
      [['upload', empty, '--project', 'P', '--parallel', '17'], /^--parallel must be a number from 1 to 16, not '17'$/],
      [['upload', path.join(dir, 'nowhere'), '--project', 'P'], /nowhere does not exist$/],
      [['upload', empty, '--project', 'P'], /^No files found in /],
    ];
    for (const [args, message] of cases) {
      const r = await refusal(args);
      assert.match(r.message, message, args.join(' '));
      assert.equal(r.exitCode, 2, args.join(' '));
    }
    await fs.rmdir(empty);
    assert.deepEqual(await fs.readdir(dir), [], 'nothing was written');
  });

  it('transfer: --overwrite only with --merge, a readable label map', async () => {
    const base = ['transfer', '--source-project', 'A', '--dest-project', 'B'];
    assert.deepEqual(await refusal([...base, '--overwrite']), { message: '--overwrite only makes sense with --merge', exitCode: 2 });
    assert.deepEqual(await refusal([...base, '--map', 'MR1']), { message: "--map 'MR1': write subject:OLD=NEW or session:OLD=NEW", exitCode: 2 });
    const missing = path.join(dir, 'labels.csv');
    assert.deepEqual(await refusal([...base, '--label-map', missing]), { message: `Cannot read --label-map ${missing}: ENOENT`, exitCode: 1 });
    assert.deepEqual(await refusal(base), { message: 'No server given: log in first (xnat-ts login https://xnat.example.org) or pass --server', exitCode: 2 });
    assert.deepEqual(await fs.readdir(dir), [], 'nothing was written');
  });
});
