import { z } from 'zod';
import { normalizePypiName, type LockedPackage, type ParsedLockfile } from '../types.ts';
import { shaped } from './shape.ts';
import { scanRequirements } from './python.ts';

const PipList = z.array(
  z.object({ name: z.string().min(1), version: z.string().min(1), editable_project_location: z.string().optional() }),
  { error: 'not an array of {"name", "version"}: not pip list --format=json output' },
);

/** Does parsed JSON look like `pip list --format=json` output: an array of objects with a name and a version? */
export function looksLikePipList(json: unknown): boolean {
  return (
    Array.isArray(json) &&
    json.length > 0 &&
    typeof json[0] === 'object' &&
    json[0] !== null &&
    'name' in json[0] &&
    'version' in json[0]
  );
}

/** `pip list --format=json`: every installed distribution; editable installs are the project's own code, not a release. */
export function parsePipList(json: unknown, file: string): ParsedLockfile {
  const list = shaped(PipList, json, file, 'pip list --format=json output');
  const packages: LockedPackage[] = [];
  const skipped: string[] = [];
  for (const p of list) {
    if (p.editable_project_location) {
      skipped.push(`${p.name} ${p.version} (editable install at ${p.editable_project_location})`);
      continue;
    }
    packages.push({ ecosystem: 'PyPI', name: normalizePypiName(p.name), version: p.version, direct: null, file });
  }
  return { file, format: 'pip-list', ecosystem: 'PyPI', packages, skipped };
}

// What pip freeze writes: name==version, name @ URL (direct references), -e for editable installs, and comments.
const FREEZE_LINE =
  /^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?\s*(?:===?\s*\S+|@\s+\S+)|-e\s+\S+|--?editable[= ]\S+)\s*$/;

/** Is the text pip freeze output: only pins, direct references and editable lines, at least one pin? */
export function looksLikePipFreeze(text: string): boolean {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return lines.length > 0 && lines.every((l) => FREEZE_LINE.test(l)) && lines.some((l) => /===?/.test(l));
}

/** pip freeze output read as the requirements file it is; a name @ URL or -e line cannot be audited and is listed as skipped. */
export function parsePipFreeze(text: string, file: string): ParsedLockfile {
  return { ...scanRequirements(text, file).lockfile, format: 'pip-freeze' };
}
