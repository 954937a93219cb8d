import { readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { LockfileError } from '../types.ts';
import { releaseFromVersions, stanzas } from './dpkg.ts';

/** os-release(5): KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

/**
 * The os-release of the system a dpkg status file belongs to: /etc/os-release (or /usr/lib/os-release) under the
 * same root, when the file sits at <root>/var/lib/dpkg/status (the machine's own file, or an image's filesystem).
 */
async function osReleaseBeside(file: string): Promise<{ path: string; fields: Record<string, string> } | undefined> {
  const real = await realpath(file).catch(() => file);
  const m = /^(.*)\/var\/lib\/dpkg\/status$/.exec(real);
  if (!m) return undefined;
  for (const rel of ['etc/os-release', 'usr/lib/os-release']) {
    const path = join(m[1] || '/', rel);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) return { path, fields: parseOsRelease(text) };
  }
  return undefined;
}

/**
 * Which Debian release a dpkg status file's packages belong to, and how that was established: the configured
 * release first (security.deps.debianRelease), then the os-release of the system the file sits in, then the
 * release the packages' own security-update suffixes name ("+deb12u3"). None of them: an error, never a guess,
 * since OSV judges each release apart ("Debian:12").
 */
export async function debianReleaseFor(
  file: string,
  text: string,
  configured?: string,
): Promise<{ release: string; how: string }> {
  if (configured) return { release: configured, how: 'security.deps.debianRelease' };
  const os = await osReleaseBeside(file);
  if (os) {
    const id = os.fields.ID ?? '';
    if (id !== 'debian') {
      throw new LockfileError(
        `${file} belongs to ${os.fields.PRETTY_NAME ?? id ?? 'an unnamed system'} (ID=${id} in ${os.path}): gonogo audits Debian's packages only (OSV's Debian ecosystem); if these are Debian packages, set security.deps.debianRelease (or --debian-release)`,
      );
    }
    if (os.fields.VERSION_ID) return { release: os.fields.VERSION_ID, how: `VERSION_ID in ${os.path}` };
  }
  const versions = stanzas(text)
    .map((s) => s.version)
    .filter((v): v is string => !!v);
  const fromSuffixes = releaseFromVersions(versions);
  if (fromSuffixes)
    return { release: fromSuffixes, how: `the +deb${fromSuffixes}u security-update suffixes of its versions` };
  throw new LockfileError(
    `${file}: cannot tell which Debian release its packages come from (no os-release beside it${os ? ` with a VERSION_ID: ${os.path}` : ''}, and no +debNNuN version suffixes that agree); OSV's Debian advisories are per release ("Debian:12"): set security.deps.debianRelease (or --debian-release), e.g. "12" for bookworm`,
  );
}
