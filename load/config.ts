import { z } from 'zod';

/** The load suite's part of gonogo.config.ts: journeys and engine options. */
export const LoadConfig = z.object({}).strict();
export type LoadConfig = z.infer<typeof LoadConfig>;
