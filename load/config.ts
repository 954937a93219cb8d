import { isIP } from 'node:net';
import { z } from 'zod';

/** Names travel into k6 tags and report keys: keep them plain. */
const Name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ".", "_" and "-" only (used as a k6 tag)');

export const JourneyStep = z.object({
  /** Endpoint name: the k6 `name` tag and the per-endpoint row in the report. */
  name: Name,
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  /** Path on the target, may use {{var}} templates (e.g. /api/orders/{{orderId}}). */
  path: z.string().startsWith('/', 'a path on the target, starting with /'),
  /** JSON body; string values may use {{var}}, {{env.NAME}} (secrets), {{vu}}, {{iter}}, {{uuid}}. */
  body: z.unknown().optional(),
  /** Form-encoded instead of JSON. */
  form: z.boolean().default(false),
  headers: z.record(z.string(), z.string()).default({}),
  /** Statuses that count as success; anything else is a failed request (k6 http_req_failed). */
  expect: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
  /** k6 check name; defaults to "<name> status is expected". */
  check: z.string().min(1).optional(),
  /** Variables taken from the JSON response: { token: "access_token" } (dot path into the body). */
  capture: z.record(Name, z.string().min(1)).default({}),
  /** Variable sent as `Authorization: Bearer <value>`. */
  bearer: Name.optional(),
  /** Runs only in a virtual user's first iteration (log in once, reuse the token). */
  once: z.boolean().default(false),
}).strict();
export type JourneyStep = z.infer<typeof JourneyStep>;

export const Journey = z.object({
  name: Name,
  /** Share of virtual users running this journey, relative to the other journeys' weights. */
  weight: z.number().positive().default(1),
  steps: z.array(JourneyStep).min(1),
}).strict();
export type Journey = z.infer<typeof Journey>;

/** The load suite's part of gonogo.config.ts: journeys and engine options. */
export const LoadConfig = z.object({
  /** Empty: one journey that GETs the target's base URL. */
  journeys: z.array(Journey).default([]),
  /** Pause at the end of each iteration, per virtual user (k6 `sleep`). */
  thinkTimeS: z.number().min(0).max(60).default(1),
  /** Route polled once a second during the run for the availability KPI; null switches polling off. */
  health: z.object({
    path: z.string().startsWith('/').nullable().default('/health'),
    intervalMs: z.number().int().min(100).default(1000),
  }).strict().default({ path: '/health', intervalMs: 1000 }),
  /** Source address of the load generator (the one the target allowlists from rate limits), e.g. 127.0.0.2. */
  sourceAddress: z.string().refine((s) => isIP(s) !== 0, 'an IP address').optional(),
  /** k6 binary; default: `k6` on PATH. */
  k6Path: z.string().min(1).optional(),
  /** Worker threads of the autocannon engine; 0 = one per core, at most 2, and one core left to a target on a loopback address. */
  workers: z.number().int().min(0).max(64).default(0),
  /** Skip certificate verification in the load generator (the TLS suite still verifies). */
  insecureTls: z.boolean().default(false),
  timeouts: z.object({
    requestS: z.number().positive().default(10),
    /** How long running iterations may finish after the duration (k6 gracefulStop). */
    gracefulStopS: z.number().min(0).default(5),
    /** Extra time past duration + gracefulStop before the engine process is killed. */
    slackS: z.number().positive().default(60),
  }).strict().default({ requestS: 10, gracefulStopS: 5, slackS: 60 }),
}).strict();
export type LoadConfig = z.infer<typeof LoadConfig>;
export type LoadConfigInput = z.input<typeof LoadConfig>;
