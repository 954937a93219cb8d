import { isAbsolute, resolve } from 'node:path';
import type { AdvisorySource } from '../config.ts';
import type { AdvisoryDb } from './types.ts';
import { osvApiDb, osvDirDb } from './osv/sources.ts';
import { npmAuditDb } from './osv/npm-audit.ts';

export { auditDeps, noLockfileCheck, type DepsAuditResult, type Finding } from './audit.ts';
export { findLockfiles, readLockfile, LOCKFILE_NAMES } from './lockfiles/index.ts';

const at = (dir: string, p: string): string => (isAbsolute(p) ? p : resolve(dir, p));

/** Opens the configured advisory source; paths are relative to the config file's directory. */
export async function openAdvisoryDb(source: AdvisorySource, baseDir: string): Promise<AdvisoryDb> {
  switch (source.kind) {
    case 'osv-api':
      return osvApiDb(source.url, source.timeoutMs);
    case 'osv-dir':
      return osvDirDb(at(baseDir, source.path));
    case 'npm-audit':
      return npmAuditDb(at(baseDir, source.file));
  }
}
