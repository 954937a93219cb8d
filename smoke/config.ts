import { z } from 'zod';

/** The smoke suite's part of gonogo.config.ts: how the abstract flows map onto the target's routes. */
export const SmokeConfig = z.object({}).strict();
export type SmokeConfig = z.infer<typeof SmokeConfig>;
