import { z } from 'zod';

/** The security suite's part of gonogo.config.ts: pages, TLS endpoint, lockfiles, advisory source. */
export const SecurityConfig = z.object({}).strict();
export type SecurityConfig = z.infer<typeof SecurityConfig>;
