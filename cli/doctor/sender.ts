import { LoadSender } from '../../load/accounts/http.ts';
import type { Sender } from '../../core/signin/accounts.ts';
import { sessionRequest } from '../../smoke/lib/http.ts';
import type { Req, Res } from '../../core/signin/http.ts';
import type { SmokePlan } from '../../smoke/lib/plan.ts';
import { resolveLimiters } from '../../core/signin/limits.ts';
import { reserveSlot } from '../../smoke/lib/pace.ts';
import { workerRedactor } from '../../smoke/lib/evidence.ts';
import { routeUrl } from '../../core/url.ts';

/** The target answered 429: the doctor stops there instead of waiting or retrying. */
export class Throttled extends Error {
  override name = 'Throttled';
  constructor(readonly res: Res) {
    super(
      `${res.method} ${new URL(res.url).pathname} answered 429${res.headers['retry-after'] ? ` (Retry-After ${res.headers['retry-after']} s)` : ''}`,
    );
  }
}

/** The target did not answer (refused, reset, TLS, timeout); `key` is the setting to look at. */
export class Unreachable extends Error {
  override name = 'Unreachable';
  get key(): string {
    if (/did not answer within/.test(this.message)) return 'target.timeoutMs (or the route: it did not answer in time)';
    if (/certificate|self[- ]signed|CERT_|unable to verify/i.test(this.message)) return 'target.caFile';
    return 'target.baseUrl';
  }
}

export interface SentLine {
  method: string;
  path: string;
  status: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The doctor's client: the load suite's node:http sender (target hosts only, no redirects, the configured CA)
 * with the smoke mapping's way of carrying a session, paced as the smoke suite paces (90% of the API model per
 * identity), every request and answer counted. A 429 ends the walk: the doctor never waits out or retries a limit.
 */
export class DoctorSender implements Sender {
  readonly sent: SentLine[] = [];
  pacedMs = 0;
  private readonly http: LoadSender;

  constructor(
    private readonly plan: SmokePlan,
    o: { caFile?: string },
  ) {
    this.http = new LoadSender({
      baseUrl: plan.baseUrl,
      allowedHosts: plan.allowedHosts,
      ...(o.caFile ? { caFile: o.caFile } : {}),
      insecure: false,
      timeoutMs: plan.timeoutMs,
    });
  }

  /** The doctor's output is redacted as a smoke worker's evidence is: it knows each secret the mapping handled. */
  secret(value: string | undefined): void {
    workerRedactor().add(value);
  }

  async send(req: Req): Promise<Res> {
    const limiters = resolveLimiters(this.plan.config, this.plan.params);
    // An API limiter keyed by address counts every request from here, whichever session it carries.
    const identity = limiters.api.key === 'address' ? 'address' : (req.identity ?? req.session?.access ?? 'anonymous');
    const { model } = limiters[identity === 'anonymous' ? 'anonymous' : 'api'];
    const wait = reserveSlot(this.plan.stateDir, identity, Math.max(1, Math.floor(model.limit * 0.9)), model.windowMs);
    if (wait > 0) {
      this.pacedMs += wait;
      await sleep(wait);
    }
    // An absolute URL keeps a base URL's path prefix, as the smoke suite's client resolves routes.
    const { session, ...rest } = req;
    const out: Req = {
      ...rest,
      ...sessionRequest(this.plan, (req.method ?? 'GET').toUpperCase(), req),
      path: routeUrl(this.plan.baseUrl, req.path),
    };
    let res: Res;
    try {
      res = await this.http.send(out);
    } catch (e) {
      this.sent.push({ method: (req.method ?? 'GET').toUpperCase(), path: pathOf(out.path), status: 0 });
      const message = (e as Error).message;
      if (message.startsWith('refusing to contact')) throw e;
      throw new Unreachable(`${(req.method ?? 'GET').toUpperCase()} ${pathOf(out.path)}: ${message}`, { cause: e });
    }
    this.sent.push({ method: res.method, path: pathOf(res.url), status: res.status });
    if (res.status === 429) throw new Throttled(res);
    return res;
  }
}

export function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}
