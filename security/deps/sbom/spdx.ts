import { z } from 'zod';
import type { ParsedLockfile } from '../types.ts';
import { shaped } from '../lockfiles/shape.ts';
import { ecosystemOfPackages, packagesOfEntries, type SbomEntry, type SbomOptions } from './packages.ts';
import { validateSpdx } from './validate.ts';

const Doc = z.object({
  spdxVersion: z.string(),
  documentDescribes: z.array(z.string()).optional(),
  packages: z
    .array(
      z.object({
        SPDXID: z.string(),
        name: z.string(),
        versionInfo: z.string().optional(),
        externalRefs: z
          .array(z.object({ referenceCategory: z.string(), referenceType: z.string(), referenceLocator: z.string() }))
          .optional(),
      }),
    )
    .optional(),
  relationships: z
    .array(z.object({ spdxElementId: z.string(), relatedSpdxElement: z.string(), relationshipType: z.string() }))
    .optional(),
});

/**
 * An SPDX 2.2/2.3 JSON SBOM (npm sbom, syft), validated against the SPDX specification's schema. Every package with
 * a purl external reference is a package, except what the document describes (the project or image itself).
 * Direct entries are those a described element depends on, in either direction SPDX can say it.
 */
export function parseSpdx(doc: unknown, file: string, opts: SbomOptions = {}): ParsedLockfile {
  const spdx = shaped(Doc, doc, file, 'SPDX document');
  validateSpdx(doc, spdx.spdxVersion, file);
  const rels = spdx.relationships ?? [];
  const roots = new Set([
    ...(spdx.documentDescribes ?? []),
    ...rels
      .filter((r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES')
      .map((r) => r.relatedSpdxElement),
  ]);
  const direct = new Set<string>();
  const dev = new Set<string>();
  for (const r of rels) {
    if (roots.has(r.spdxElementId) && r.relationshipType === 'DEPENDS_ON') direct.add(r.relatedSpdxElement);
    if (roots.has(r.relatedSpdxElement) && /_OF$/.test(r.relationshipType) && /DEPENDENCY/.test(r.relationshipType))
      direct.add(r.spdxElementId);
    if (r.relationshipType === 'DEV_DEPENDENCY_OF') dev.add(r.spdxElementId);
  }
  const known = rels.some((r) => /DEPEND/.test(r.relationshipType));
  const entries: SbomEntry[] = (spdx.packages ?? [])
    .filter((p) => !roots.has(p.SPDXID))
    .map((p) => ({
      label: `${p.name}@${p.versionInfo ?? '?'}`,
      purl: p.externalRefs?.find((x) => x.referenceType === 'purl' && /^PACKAGE[-_]MANAGER$/.test(x.referenceCategory))
        ?.referenceLocator,
      direct: known ? direct.has(p.SPDXID) : null,
      dev: dev.has(p.SPDXID),
    }));
  const { packages, skipped } = packagesOfEntries(entries, file, opts.debianRelease, 'SPDX document');
  return {
    file,
    format: 'spdx',
    ecosystem: ecosystemOfPackages(packages),
    detail: spdx.spdxVersion,
    packages,
    skipped,
  };
}
