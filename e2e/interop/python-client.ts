import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter: the clients come from apt (python3-pyxnat, python3-pydicom), not from pip. */
export const PYTHON = process.env.INTEROP_PYTHON ?? '/usr/bin/python3';
export const INTEROP_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface ClientRun {
  readonly code: number | null;
  /** Steps reported as `STEP <name> ok`, in order. */
  readonly passed: readonly string[];
  readonly output: string;
}

/** Why the Python modules cannot be used, or undefined when they import. */
export async function missingPython(modules: readonly string[], env: Record<string, string> = {}): Promise<string | undefined> {
  try {
    await run(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], env, 60_000);
    return undefined;
  } catch (e) {
    return `${PYTHON} cannot import ${modules.join(', ')} (apt-get install -y python3-pyxnat python3-pydicom): ${(e as Error).message.split('\n').slice(-2).join(' ')}`;
  }
}

/** Runs one of the round-trip scripts in a fresh work folder and collects the steps it reports. */
export async function runClientScript(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<ClientRun> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'xnat-ts-interop-'));
  try {
    let code: number | null = 0;
    let output: string;
    try {
      output = await run(PYTHON, [path.join(INTEROP_DIR, script), ...args, work], env, 300_000);
    } catch (e) {
      const failure = e as Error & { code?: number | null; stdout?: string; stderr?: string };
      code = typeof failure.code === 'number' ? failure.code : null;
      output = `${failure.stdout ?? ''}${failure.stderr ?? ''}` || failure.message;
    }
    const passed = [...output.matchAll(/^STEP (.+) ok$/gm)].map((m) => m[1] as string);
    return { code, passed, output };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

function run(file: string, args: readonly string[], env: Record<string, string>, timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...env }, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve(`${stdout}${stderr}`);
    });
  });
}
