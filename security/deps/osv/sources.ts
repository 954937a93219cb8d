import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mapLimit } from '../../checks.ts';
import {
  AdvisorySourceError,
  normalizePypiName,
  osvEcosystem,
  type Advisory,
  type AdvisoryDb,
  type LockedPackage,
} from '../types.ts';
import { ecosystemOf } from './match.ts';
import { packagesOf, toAdvisory } from './match.ts';
import { OsvRecord } from './schema.ts';

const keyOf = (eco: string, name: string): string => `${eco}:${eco === 'PyPI' ? normalizePypiName(name) : name}`;

function newest(records: OsvRecord[]): string | null {
  const dates = records
    .map((r) => r.modified)
    .filter((d): d is string => !!d)
    .sort();
  return dates.at(-1) ?? null;
}

/** An in-memory OSV database indexed by package, shared by the directory and zip readers. */
export function memoryDb(records: OsvRecord[], source: string, date: string | null = newest(records)): AdvisoryDb {
  const index = new Map<string, OsvRecord[]>();
  const ecosystems = new Set<string>();
  for (const r of records) {
    for (const a of r.affected ?? [])
      if (a.package && ecosystemOf(a.package.ecosystem)) ecosystems.add(a.package.ecosystem);
    for (const p of packagesOf(r)) {
      const k = keyOf(p.ecosystem, p.name);
      const list = index.get(k) ?? [];
      if (!list.includes(r)) list.push(r);
      index.set(k, list);
    }
  }
  return {
    source,
    date,
    ecosystems,
    async lookup(pkgs) {
      const seen = new Set<OsvRecord>();
      for (const p of pkgs) for (const r of index.get(keyOf(p.ecosystem, p.name)) ?? []) seen.add(r);
      return [...seen].map((r) => toAdvisory(r)).filter((a): a is Advisory => a !== null);
    },
  };
}

function parseRecord(text: string, where: string): OsvRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AdvisorySourceError(`${where} is not valid JSON`, { cause: e });
  }
  const r = OsvRecord.safeParse(json);
  if (!r.success) throw new AdvisorySourceError(`${where} is not an OSV record: ${r.error.issues[0]?.message}`);
  return r.data;
}

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await jsonFiles(p)));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** An offline OSV export: a directory of JSON records (searched recursively) or a zip such as OSV's npm/all.zip. */
export async function osvDirDb(path: string): Promise<AdvisoryDb> {
  const info = await stat(path).catch((e: unknown) => {
    throw new AdvisorySourceError(`OSV database ${path} cannot be read`, { cause: e });
  });
  const records: OsvRecord[] = [];
  if (info.isDirectory()) {
    for (const f of await jsonFiles(path)) records.push(parseRecord(await readFile(f, 'utf8'), f));
  } else {
    const { unzipSync } = await import('fflate'); // only for zipped exports
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(new Uint8Array(await readFile(path)), { filter: (f) => f.name.endsWith('.json') });
    } catch (e) {
      throw new AdvisorySourceError(`OSV database ${path} is neither a directory nor a readable zip`, { cause: e });
    }
    const decoder = new TextDecoder();
    for (const [name, data] of Object.entries(entries))
      records.push(parseRecord(decoder.decode(data), `${path}:${name}`));
  }
  if (records.length === 0)
    throw new AdvisorySourceError(
      `OSV database ${path} holds no advisories: an empty database would pass every lockfile`,
    );
  return memoryDb(records, `OSV ${info.isDirectory() ? 'directory' : 'zip'} ${path} (${records.length} advisories)`);
}

/** The OSV API: one querybatch for all packages, then the full record of each advisory it names. */
export function osvApiDb(baseUrl: string, timeoutMs: number): AdvisoryDb {
  const api = baseUrl.replace(/\/$/, '');
  const call = async (path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${api}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: body ? { 'content-type': 'application/json' } : undefined,
        body: body ? JSON.stringify(body) : undefined,
        signal: signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw new AdvisorySourceError(
        `the OSV API at ${api} cannot be reached; use an offline OSV export (security.deps.source { kind: 'osv-dir' }, or --osv-db)`,
        { cause: e },
      );
    }
    if (!res.ok) throw new AdvisorySourceError(`the OSV API at ${api} answered ${res.status} to ${path}`);
    return res.json();
  };
  return {
    source: `OSV API ${api}`,
    date: new Date().toISOString(),
    async lookup(pkgs: LockedPackage[], signal?: AbortSignal) {
      const unique = [...new Map(pkgs.map((p) => [`${osvEcosystem(p)}:${p.name}@${p.version}`, p])).values()];
      const ids = new Set<string>();
      for (let i = 0; i < unique.length; i += 1000) {
        const chunk = unique.slice(i, i + 1000);
        const out = (await call(
          '/v1/querybatch',
          {
            queries: chunk.map((p) => ({ package: { ecosystem: osvEcosystem(p), name: p.name }, version: p.version })),
          },
          signal,
        )) as { results?: Array<{ vulns?: Array<{ id: string }> }> };
        if (!Array.isArray(out.results) || out.results.length !== chunk.length)
          throw new AdvisorySourceError(`the OSV API at ${api} returned a malformed querybatch answer`);
        for (const r of out.results) for (const v of r.vulns ?? []) ids.add(v.id);
      }
      const records = await mapLimit([...ids], 8, async (id) =>
        parseRecord(
          JSON.stringify(await call(`/v1/vulns/${encodeURIComponent(id)}`, undefined, signal)),
          `OSV API record ${id}`,
        ),
      );
      return records.map((r) => toAdvisory(r)).filter((a): a is Advisory => a !== null);
    },
  };
}
