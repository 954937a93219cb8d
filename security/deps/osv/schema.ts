import { z } from 'zod';

/** The parts of the OSV schema (ossf.github.io/osv-schema) gonogo reads; unknown fields are kept and ignored. */
export const OsvEvent = z
  .object({
    introduced: z.string().optional(),
    fixed: z.string().optional(),
    last_affected: z.string().optional(),
    limit: z.string().optional(),
  })
  .passthrough();

export const OsvRange = z
  .object({
    type: z.string(),
    events: z.array(OsvEvent),
  })
  .passthrough();

export const OsvAffected = z
  .object({
    package: z.object({ ecosystem: z.string(), name: z.string() }).passthrough().optional(),
    ranges: z.array(OsvRange).optional(),
    versions: z.array(z.string()).optional(),
    database_specific: z.record(z.string(), z.unknown()).optional(),
    ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

export const OsvRecord = z
  .object({
    id: z.string(),
    modified: z.string().optional(),
    published: z.string().optional(),
    withdrawn: z.string().optional(),
    aliases: z.array(z.string()).optional(),
    summary: z.string().optional(),
    details: z.string().optional(),
    severity: z.array(z.object({ type: z.string(), score: z.string() }).passthrough()).optional(),
    affected: z.array(OsvAffected).optional(),
    references: z.array(z.object({ type: z.string().optional(), url: z.string() }).passthrough()).optional(),
    database_specific: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

export type OsvRecord = z.infer<typeof OsvRecord>;
export type OsvAffected = z.infer<typeof OsvAffected>;
export type OsvRange = z.infer<typeof OsvRange>;
