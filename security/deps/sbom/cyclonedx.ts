import { z } from 'zod';
import type { ParsedLockfile } from '../types.ts';
import { shaped } from '../lockfiles/shape.ts';
import { ecosystemOfPackages, packagesOfEntries, type SbomEntry, type SbomOptions } from './packages.ts';
import { validateCycloneDx } from './validate.ts';

interface Component {
  'bom-ref'?: string;
  name?: string;
  version?: string;
  purl?: string;
  scope?: string;
  components?: Component[];
}
const Component: z.ZodType<Component> = z.lazy(() =>
  z.object({
    'bom-ref': z.string().optional(),
    name: z.string().optional(),
    version: z.string().optional(),
    purl: z.string().optional(),
    scope: z.string().optional(),
    components: z.array(Component).optional(),
  }),
);
const Bom = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string(),
  metadata: z.object({ component: z.object({ 'bom-ref': z.string().optional() }).optional() }).optional(),
  components: z.array(Component).optional(),
  dependencies: z.array(z.object({ ref: z.string(), dependsOn: z.array(z.string()).optional() })).optional(),
});

/**
 * A CycloneDX JSON SBOM (npm sbom, syft, cdxgen, pip-audit), validated against its specVersion's published schema.
 * Every component with a purl is a package, nested ones too; the document's own subject (metadata.component) is
 * not. Direct entries are those the subject depends on in the dependency graph, when the SBOM has one.
 */
export function parseCycloneDx(doc: unknown, file: string, opts: SbomOptions = {}): ParsedLockfile {
  const bom = shaped(Bom, doc, file, 'CycloneDX SBOM');
  validateCycloneDx(doc, bom.specVersion, file);
  const root = bom.metadata?.component?.['bom-ref'];
  const graph = bom.dependencies;
  const direct = root && graph ? new Set(graph.find((d) => d.ref === root)?.dependsOn ?? []) : null;
  const entries: SbomEntry[] = [];
  const walk = (list: Component[]): void => {
    for (const c of list) {
      const ref = c['bom-ref'];
      entries.push({
        label: `${c.name ?? ref ?? '?'}@${c.version ?? '?'}`,
        purl: c.purl,
        direct: direct && ref ? direct.has(ref) : null,
        dev: c.scope === 'excluded',
      });
      if (c.components) walk(c.components);
    }
  };
  walk(bom.components ?? []);
  const { packages, skipped } = packagesOfEntries(entries, file, opts.debianRelease, 'CycloneDX SBOM');
  return {
    file,
    format: 'cyclonedx',
    ecosystem: ecosystemOfPackages(packages),
    detail: `CycloneDX ${bom.specVersion}`,
    packages,
    skipped,
  };
}
