import os from 'node:os';
import path from 'node:path';

/**
 * Settings of the `xnat-ts` client commands (login, download, upload, transfer), read from the
 * environment here because nothing outside config/ reads it.
 */
export interface ClientSettings {
  /** Where stored logins and upload progress live (env XNAT_TS_CONFIG_DIR, else the platform's user config folder). */
  readonly configDir: string;
  /** A password to use instead of prompting (env XNAT_TS_PASSWORD), for scripts. */
  readonly password?: string;
  /** The user for that password (env XNAT_TS_USER). */
  readonly user?: string;
}

export function clientSettings(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): ClientSettings {
  return { configDir: clientConfigDir(env, platform, home), password: env.XNAT_TS_PASSWORD || undefined, user: env.XNAT_TS_USER || undefined };
}

/** `$XDG_CONFIG_HOME/xnat-ts` (~/.config/xnat-ts) on Linux, Application Support on macOS, %APPDATA% on Windows. */
export function clientConfigDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (env.XNAT_TS_CONFIG_DIR) return path.resolve(env.XNAT_TS_CONFIG_DIR);
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'xnat-ts');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'xnat-ts');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'xnat-ts');
}
