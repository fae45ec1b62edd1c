import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Synthetic DICOM through Debian's pydicom (/usr/bin/python3): an independent writer and reader, so tests
 * check our dcmjs output against a second implementation. See pydicom-tool.py.
 */
const TOOL = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pydicom-tool.py');
const PYTHON = '/usr/bin/python3';

/** [tag 'GGGGEEEE', VR, value]; SQ values are lists of items, each a list of elements. */
export type ElementSpec = [string, string, unknown];
export interface DicomSpec {
  readonly implicit?: boolean;
  readonly elements: readonly ElementSpec[];
  readonly pixels?: readonly [number, number];
  /** Pixels as two fake JPEG frames (encapsulated, odd-length first frame) in JPEG Baseline transfer syntax. */
  readonly encapsulated?: boolean;
}

/** DICOM JSON (PS3.18 F.2) of one element; binary values appear as BulkDataURI 'sha256:<hex>'. */
export interface JsonElement { vr: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string }
export interface DicomDump { meta: Record<string, JsonElement>; dataset: Record<string, JsonElement> }

function run(args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, [TOOL, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`pydicom-tool ${args[0]} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(stdin ?? '');
  });
}

export async function writeDicom(file: string, spec: DicomSpec): Promise<void> {
  await run(['write', file], JSON.stringify(spec));
}

/** pydicom.dcmread() of the file as JSON; rejects when pydicom cannot read it. */
export async function dumpDicom(file: string): Promise<DicomDump> {
  return JSON.parse(await run(['dump', file])) as DicomDump;
}
