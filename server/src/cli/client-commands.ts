import type { Command } from 'commander';
import { clientSettings } from '../config/client-settings.js';
import { ClientError } from './client/errors.js';
import { HttpError } from './client/xnat-client.js';
import { registerDownloadCommand } from './commands/download.js';
import { registerLoginCommands } from './commands/login.js';
import { registerTransferCommand } from './commands/transfer.js';
import { registerUploadCommand } from './commands/upload.js';

/** The commands that talk to a server over its REST API, like XNAT's Desktop Client. */
export function registerClientCommands(program: Command): void {
  const settings = () => clientSettings();
  registerLoginCommands(program, settings);
  registerDownloadCommand(program, settings);
  registerUploadCommand(program, settings);
  registerTransferCommand(program, settings);
}

/** One line for a failed client command, and its exit code (2: usage, 3: conflict, 1: anything else). */
export function describeClientError(e: unknown): { message: string; exitCode: number } | undefined {
  if (e instanceof ClientError) return { message: e.message, exitCode: e.exitCode };
  if (e instanceof HttpError) {
    const hint = e.status === 401 ? ' (log in again with xnat-ts login)' : '';
    return { message: `${e.detail} [${e.status} from ${e.method} ${e.url}]${hint}`, exitCode: e.status === 409 ? 3 : 1 };
  }
  return undefined;
}
