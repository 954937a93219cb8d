import { realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import { LockfileError, type LockedPackage, type ParsedLockfile } from '../types.ts';
import { scanRequirements } from './python.ts';

export type ReadText = (file: string) => Promise<string>;

/**
 * A requirements file with its `-r`/`--requirement` and `-c`/`--constraint` includes followed, each path
 * relative to the file that names it, as pip does. A file reached twice (a cycle, or two files including
 * the same base) is read once. Packages keep the file they are pinned in; remote includes are skipped.
 */
export async function readRequirementsTree(file: string, read: ReadText): Promise<ParsedLockfile> {
  const seen = new Set<string>();
  const packages = new Map<string, LockedPackage>();
  const skipped: string[] = [];
  const visit = async (path: string, via?: string): Promise<void> => {
    const real = await realpath(path).catch(() => path);
    if (seen.has(real)) return;
    seen.add(real);
    let text: string;
    try {
      text = await read(path);
    } catch (e) {
      if (via && e instanceof InputError) throw new LockfileError(`${via}: ${e.message}`, { cause: e });
      throw e;
    }
    const { lockfile, includes } = scanRequirements(text, path);
    for (const p of lockfile.packages)
      if (!packages.has(`${p.name}@${p.version}`)) packages.set(`${p.name}@${p.version}`, p);
    skipped.push(...lockfile.skipped);
    for (const inc of includes) {
      const flag = inc.kind === 'requirement' ? '-r' : '-c';
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(inc.path)) {
        skipped.push(`${flag} ${inc.path} (remote include, not followed)`);
        continue;
      }
      await visit(resolve(dirname(path), inc.path), `${path} line ${inc.line} (${flag} ${inc.path})`);
    }
  };
  await visit(file);
  return { file, format: 'requirements', ecosystem: 'PyPI', packages: [...packages.values()], skipped };
}
