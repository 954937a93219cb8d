import { readFile, writeFile } from 'node:fs/promises';
import { readCaFile } from '../../core/read-input.ts';
import { join } from 'node:path';
import { K6_FILES } from './files.ts';

const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

/**
 * k6 (Go) has no option for an extra CA; it honours SSL_CERT_FILE, which REPLACES the system roots.
 * So gonogo writes system roots + the target's CA into one bundle and points SSL_CERT_FILE at it.
 */
export async function caBundle(caFile: string, dir: string): Promise<string> {
  const parts: string[] = [];
  for (const f of SYSTEM_BUNDLES) {
    try {
      parts.push(await readFile(f, 'utf8'));
      break;
    } catch {
      /* try the next distribution's path */
    }
  }
  parts.push(await readCaFile(caFile));
  const out = join(dir, K6_FILES.caBundle);
  await writeFile(out, parts.join('\n'));
  return out;
}
