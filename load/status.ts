import type { EndpointStats, StatusClasses } from '../core/report-schema.ts';

/** 0 (k6's status for a request that got no response) and anything outside 100-599 count as network errors. */
export function isHttpStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 100 && status <= 599;
}

export interface StatusDump {
  codes: [number, number][];
  network: number;
}

/** Responses of one endpoint by status code: exact counts, so worker threads and shards add up exactly. */
export class StatusTally {
  readonly codes = new Map<number, number>();
  network = 0;

  add(status: number, n = 1): void {
    if (isHttpStatus(status)) this.codes.set(status, (this.codes.get(status) ?? 0) + n);
    else this.network += n;
  }

  absorb(d: StatusDump): void {
    for (const [status, n] of d.codes) this.add(status, n);
    this.network += d.network;
  }

  dump(): StatusDump {
    return { codes: [...this.codes.entries()], network: this.network };
  }

  classes(): StatusClasses {
    const c: StatusClasses = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, network: this.network };
    for (const [status, n] of this.codes)
      c[`${Math.floor(status / 100)}xx` as Exclude<keyof StatusClasses, 'network'>] += n;
    return c;
  }

  /** Most frequent first; ties by code, so the order is the same however the counts were added up. */
  list(): { status: number; count: number }[] {
    return [...this.codes.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([status, count]) => ({ status, count }));
  }

  /** The report fields of an endpoint. */
  fields(): Pick<EndpointStats, 'statusClasses' | 'statusCodes'> {
    return { statusClasses: this.classes(), statusCodes: this.list() };
  }

  /** A tally rebuilt from a report's endpoint; null when the endpoint predates the breakdown. */
  static fromEndpoint(e: EndpointStats): StatusTally | null {
    if (!e.statusClasses || !e.statusCodes) return null;
    const t = new StatusTally();
    t.absorb({ codes: e.statusCodes.map((c) => [c.status, c.count]), network: e.statusClasses.network });
    return t;
  }
}
