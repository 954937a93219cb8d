import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Api } from './http.ts';
import type { SmokePlan } from './plan.ts';
import type { Recorder } from './evidence.ts';

type Operation = { security?: unknown[] };
type Doc = { security?: unknown[]; paths?: Record<string, Record<string, Operation>> };
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

async function loadDoc(api: Api, plan: SmokePlan): Promise<Doc> {
  const src = plan.config.openapi!;
  if (src.startsWith('/')) {
    const r = await api.send({ method: 'GET', path: src });
    if (r.status !== 200 || !r.json) throw new Error(`the OpenAPI document at ${src} answered ${r.status}`);
    return r.json as Doc;
  }
  return JSON.parse(await readFile(src.startsWith('file:') ? fileURLToPath(src) : src, 'utf8')) as Doc;
}

/** Calls every operation that declares security without credentials; returns those that answered 2xx and how many were called. */
export async function sweep(api: Api, plan: SmokePlan, rec: Recorder): Promise<{ open: string[]; called: number }> {
  const doc = await loadDoc(api, plan);
  const open: string[] = [];
  let called = 0;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const security = op.security ?? doc.security ?? [];
      if (!Array.isArray(security) || security.length === 0) continue;
      // Path parameters get a plausible id: the point is the auth layer, which answers before any lookup.
      const concrete = path.replace(/\{[^}]+\}/g, '1');
      const r = await api.send({ method: m.toUpperCase(), path: concrete, ...(m === 'get' || m === 'delete' ? {} : { json: {} }) });
      called++;
      if (r.status >= 200 && r.status < 300) open.push(`${m.toUpperCase()} ${path}`);
    }
  }
  rec.detail('securedOperationsCalled', called);
  return { open, called };
}
