import { readFile, stat } from 'node:fs/promises';
import semver from 'semver';
import { AdvisorySourceError, type Advisory, type AdvisoryDb, type Severity } from '../types.ts';

interface ViaV2 {
  source?: number;
  name: string;
  title?: string;
  url?: string;
  severity?: string;
  range?: string;
  cvss?: { score?: number };
}
interface AuditV2 {
  auditReportVersion?: number;
  vulnerabilities?: Record<string, { via?: Array<ViaV2 | string> }>;
}
interface AuditV1 {
  advisories?: Record<
    string,
    {
      id: number;
      module_name: string;
      vulnerable_versions: string;
      severity: string;
      title?: string;
      url?: string;
      cves?: string[];
      github_advisory_id?: string;
      patched_versions?: string;
    }
  >;
}

const SEVERITY: Record<string, Severity> = {
  critical: 'critical',
  high: 'high',
  moderate: 'medium',
  low: 'low',
  info: 'low',
};

function advisory(
  id: string,
  aliases: string[],
  name: string,
  range: string,
  severity: string | undefined,
  title: string | undefined,
  url: string | undefined,
  score?: number,
): Advisory {
  return {
    id,
    aliases,
    summary: title ?? '',
    severity: SEVERITY[(severity ?? '').toLowerCase()] ?? 'unknown',
    ...(score ? { score } : {}),
    ...(url ? { url } : {}),
    affects: (pkg) =>
      pkg.ecosystem === 'npm' &&
      pkg.name === name &&
      semver.valid(pkg.version) !== null &&
      semver.satisfies(pkg.version, range, { includePrerelease: true }),
  };
}

/** `npm audit --json` output (report version 2, npm 7+, or the older version 1) as an advisory source. */
export async function npmAuditDb(file: string): Promise<AdvisoryDb> {
  let json: AuditV2 & AuditV1;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as AuditV2 & AuditV1;
  } catch (e) {
    throw new AdvisorySourceError(`npm audit output ${file} cannot be read as JSON`, { cause: e });
  }
  const list: Advisory[] = [];
  if (json.vulnerabilities) {
    const seen = new Set<string>();
    for (const v of Object.values(json.vulnerabilities)) {
      for (const via of v.via ?? []) {
        // A string "via" only points at another vulnerable package; the advisory objects carry the data.
        if (typeof via === 'string' || !via.range) continue;
        const ghsa = /GHSA-[\w-]+/.exec(via.url ?? '')?.[0];
        const id = ghsa ?? `npm-advisory-${via.source}`;
        const k = `${id}:${via.name}`;
        if (seen.has(k)) continue;
        seen.add(k);
        list.push(
          advisory(
            id,
            via.source ? [`npm-advisory-${via.source}`] : [],
            via.name,
            via.range,
            via.severity,
            via.title,
            via.url,
            via.cvss?.score,
          ),
        );
      }
    }
  } else if (json.advisories) {
    for (const a of Object.values(json.advisories)) {
      list.push(
        advisory(
          a.github_advisory_id ?? `npm-advisory-${a.id}`,
          [...(a.cves ?? []), `npm-advisory-${a.id}`],
          a.module_name,
          a.vulnerable_versions,
          a.severity,
          a.title,
          a.url,
        ),
      );
    }
  } else {
    throw new AdvisorySourceError(
      `${file} has neither "vulnerabilities" nor "advisories": not npm audit --json output`,
    );
  }
  const date = (await stat(file)).mtime.toISOString();
  return {
    source: `npm audit output ${file} (${list.length} advisories)`,
    date,
    ecosystems: new Set(['npm']),
    lookup: async () => list,
  };
}
