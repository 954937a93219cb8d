import type { TestInfo } from '@playwright/test';
import { Redactor } from '../../core/redact.ts';
import type { Evidence } from '../../core/report-schema.ts';

export const EVIDENCE_ATTACHMENT = 'gonogo-evidence';
export const MEASUREMENT_ATTACHMENT = 'gonogo-measurement';
/** Env var listing the names of the env vars that hold secrets, so the child can scrub them too. */
export const SECRET_VARS_ENV = 'GONOGO_SMOKE_SECRET_VARS';
const EXCERPT = 300;

let redactor: Redactor | undefined;
/** One per worker: knows every secret from the environment and every token the suite has seen. */
export function workerRedactor(): Redactor {
  if (!redactor) {
    redactor = new Redactor();
    for (const name of (process.env[SECRET_VARS_ENV] ?? '').split(',').filter(Boolean)) redactor.add(process.env[name]);
  }
  return redactor;
}

export interface RecordedRequest {
  method: string;
  url: string;
  status: number | null;
  excerpt?: string;
  role?: 'control' | 'probe';
}

/** Collects what one check saw; attached to the test at teardown whatever its outcome. */
export class Recorder {
  readonly requests: RecordedRequest[] = [];
  private readonly details: Record<string, unknown> = {};
  expected?: string;
  actual?: string;
  private readonly measurements: Array<{
    metric: string;
    values: Record<string, number>;
    samples?: number;
    note?: string;
  }> = [];

  request(method: string, url: string, status: number | null, body?: string, role?: 'control' | 'probe'): void {
    const r = workerRedactor();
    const excerpt = body ? r.text(body.replace(/\s+/g, ' ').trim()).slice(0, EXCERPT) : undefined;
    this.requests.push({
      method,
      url: r.text(url),
      status,
      ...(excerpt ? { excerpt } : {}),
      ...(role ? { role } : {}),
    });
  }

  detail(key: string, value: unknown): void {
    this.details[key] = workerRedactor().value(value);
  }

  measure(metric: string, values: Record<string, number>, extra: { samples?: number; note?: string } = {}): void {
    this.measurements.push({ metric, values, ...extra });
  }

  evidence(): Evidence {
    const r = workerRedactor();
    // Long probes (bursts) keep the first and last requests: enough to show the pattern, small enough to read.
    const reqs =
      this.requests.length > 24 ? [...this.requests.slice(0, 12), ...this.requests.slice(-12)] : this.requests;
    return {
      ...(reqs.length ? { requests: reqs } : {}),
      ...(this.expected ? { expected: r.text(this.expected) } : {}),
      ...(this.actual ? { actual: r.text(this.actual) } : {}),
      ...(Object.keys(this.details).length || this.requests.length > reqs.length
        ? {
            details: {
              ...this.details,
              ...(this.requests.length > reqs.length ? { requestsSent: this.requests.length } : {}),
            },
          }
        : {}),
    };
  }

  async attach(info: TestInfo): Promise<void> {
    await info.attach(EVIDENCE_ATTACHMENT, { body: JSON.stringify(this.evidence()), contentType: 'application/json' });
    for (const m of this.measurements) {
      await info.attach(MEASUREMENT_ATTACHMENT, { body: JSON.stringify(m), contentType: 'application/json' });
    }
  }
}
