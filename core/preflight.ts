import { get, trustAnchors } from './http.ts';

/**
 * One GET of the base URL with certificate verification, before any load is generated.
 * Returns why the target cannot be loaded (unreachable, TLS untrusted), or null when it answered at all; `answered`
 * hears the status of an answer and when its request was sent.
 */
export async function preflight(
  baseUrl: string,
  o: { caFile?: string; insecure: boolean; timeoutMs: number; answered?: (status: number, sentAt: number) => void },
): Promise<string | null> {
  if (o.insecure) return null;
  try {
    const ca = new URL(baseUrl).protocol === 'https:' ? await trustAnchors(o.caFile) : undefined;
    const sentAt = Date.now();
    const res = await get(baseUrl, { ca, timeoutMs: o.timeoutMs, maxBodyBytes: 1024 });
    o.answered?.(res.status, sentAt);
    return null;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return `${baseUrl} could not be reached with a verified connection (${err.code ?? 'error'}: ${err.message})`;
  }
}
