import type { Report } from '../../core/report-schema.ts';
import type { Quantity } from '../../config/checklist-rules.ts';

/** A number a claim states, normalised to the unit gonogo measures in. */
export interface ClaimedNumber {
  value: number;
  /** 'max': measured must not exceed it; 'min': must reach it; 'about': within 10% (documented limits). */
  bound: 'max' | 'min' | 'about';
  unit: string;
  /** For latency: which aggregate the claim speaks of. */
  aggregate?: LatencyKey;
  /** The words the number was read from. */
  source: string;
}

export interface Measured {
  value: number;
  unit: string;
  from: string;
}

type LatencyKey = 'mean' | 'p50' | 'p90' | 'p95' | 'p99';

/** `NAME_MINUTES = 15` or `NAME_MINUTES: int = 15`: the unit is the last word of the setting's name. */
const SETTING_UNIT_RE = /_(seconds?|secs?|minutes?|mins?|hours?|hrs?)\b(?:\s*:\s*\w+)?\s*[=:]\s*(\d+(?:\.\d+)?)\b/i;

const DEFAULT_BOUND: Record<Quantity, ClaimedNumber['bound']> = {
  'rate-limit': 'about',
  latency: 'max',
  'error-rate': 'max',
  'success-rate': 'min',
  availability: 'min',
  'token-lifetime': 'max',
  'lockout-attempts': 'max',
  'password-length': 'min',
};

const LESS = /^(<=?|≤|under|below|within|less than|at most|max(imum)?)$/i;
const MORE = /^(>=?|≥|over|above|at least|min(imum)?)$/i;
const CMP = '(<=?|>=?|≤|≥|under|below|within|less than|at most|at least|over|above|max(?:imum)?|min(?:imum)?)?\\s*';

function boundOf(cmp: string | undefined, q: Quantity): ClaimedNumber['bound'] {
  if (cmp && LESS.test(cmp.trim())) return 'max';
  if (cmp && MORE.test(cmp.trim())) return 'min';
  return DEFAULT_BOUND[q];
}

/** All matches, preferring one written with a comparator ("target <0.5s" over "current 0.018s"). */
function pick(text: string, re: RegExp): RegExpExecArray | undefined {
  const all = [...text.matchAll(new RegExp(re.source, 'gi'))];
  return all.find((m) => m[1]) ?? all[0];
}

const TIME_S: Record<string, number> = {
  ms: 0.001,
  millisecond: 0.001,
  milliseconds: 0.001,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
};

function latencyAggregate(text: string): LatencyKey {
  const p = /\bp\s*\(?(50|90|95|99)\)?|\b(50|90|95|99)(?:th)? percentile/i.exec(text);
  if (p) return `p${p[1] ?? p[2]}` as LatencyKey;
  if (/average|mean|\bavg\b/i.test(text)) return 'mean';
  return 'p95';
}

/** Reads the number a claim states for a quantity; null when the claim states none. */
export function claimedNumber(text: string, q: Quantity): ClaimedNumber | null {
  switch (q) {
    case 'rate-limit': {
      const m = pick(
        text,
        new RegExp(
          `${CMP}(\\d+(?:\\.\\d+)?)\\s*(?:req(?:uest)?s?|calls?|r)?\\s*(?:\\/|per)\\s*(s|sec|second|m|min|minute|h|hr|hour)\\b`,
        ),
      );
      if (!m) return null;
      const perS = TIME_S[m[3]!.toLowerCase()]!;
      return { value: (Number(m[2]) / perS) * 60, bound: boundOf(m[1], q), unit: 'requests/min', source: m[0].trim() };
    }
    case 'latency': {
      const m = pick(text, new RegExp(`${CMP}(\\d+(?:\\.\\d+)?)\\s*(ms|milliseconds?|s|secs?|seconds?)\\b`));
      if (!m) return null;
      return {
        value: Number(m[2]) * TIME_S[m[3]!.toLowerCase()]! * 1000,
        bound: boundOf(m[1], q),
        unit: 'ms',
        aggregate: latencyAggregate(text),
        source: m[0].trim(),
      };
    }
    case 'error-rate':
    case 'success-rate':
    case 'availability': {
      const m = pick(text, new RegExp(`${CMP}(\\d+(?:\\.\\d+)?)\\s*%`));
      if (!m) return null;
      return { value: Number(m[2]) / 100, bound: boundOf(m[1], q), unit: 'ratio', source: m[0].trim() };
    }
    case 'token-lifetime': {
      const m = pick(
        text,
        new RegExp(`${CMP}(\\d+(?:\\.\\d+)?)\\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)\\b`),
      );
      if (m)
        return {
          value: Number(m[2]) * TIME_S[m[3]!.toLowerCase()]!,
          bound: boundOf(m[1], q),
          unit: 's',
          source: m[0].trim(),
        };
      // A setting whose name carries the unit: ACCESS_TOKEN_EXPIRE_MINUTES = 15, ACCESS_TOKEN_EXPIRE_MINUTES: int = 15.
      const s = SETTING_UNIT_RE.exec(text);
      return s
        ? { value: Number(s[2]) * TIME_S[s[1]!.toLowerCase()]!, bound: 'max', unit: 's', source: s[0].trim() }
        : null;
    }
    case 'lockout-attempts': {
      const m = pick(text, new RegExp(`${CMP}(\\d+)\\s*(?:failed|attempts|tries|wrong)`));
      return m ? { value: Number(m[2]), bound: boundOf(m[1], q), unit: 'attempts', source: m[0].trim() } : null;
    }
    case 'password-length': {
      const m = pick(text, new RegExp(`${CMP}(\\d+)\\+?\\s*(?:char|characters|chars)\\b`));
      return m ? { value: Number(m[2]), bound: boundOf(m[1], q), unit: 'chars', source: m[0].trim() } : null;
    }
  }
}

const kpiByMetric = (report: Report, metric: string, thresholdHas?: string): Measured | null => {
  const k = report.kpis.find(
    (x) => x.metric === metric && x.measured !== null && (!thresholdHas || x.threshold.includes(thresholdHas)),
  );
  return k && k.measured !== null ? { value: k.measured, unit: '', from: `KPI ${k.id}` } : null;
};

const LATENCY_THRESHOLD: Record<LatencyKey, string> = {
  mean: 'avg',
  p50: 'med',
  p90: 'p(90)',
  p95: 'p(95)',
  p99: 'p(99)',
};

/** The value gonogo measured for a quantity, from the load result first and the KPI table second. */
export function measuredValue(report: Report, q: Quantity, claim?: ClaimedNumber | null): Measured | null {
  const load = report.load;
  switch (q) {
    case 'rate-limit': {
      const k = kpiByMetric(report, 'ratelimit_api_limit');
      const check = report.checks.find((c) => c.id === 'ratelimit.api');
      const details = check?.evidence.details ?? {};
      const windowS = typeof details.windowS === 'number' && details.windowS > 0 ? details.windowS : 60;
      const fromCheck =
        typeof details.limit === 'number'
          ? details.limit
          : typeof details.observedLimit === 'number'
            ? details.observedLimit
            : null;
      const limit = k?.value ?? fromCheck;
      if (limit === null || limit === undefined) return null;
      return { value: (limit / windowS) * 60, unit: 'requests/min', from: k ? k.from : 'check ratelimit.api' };
    }
    case 'latency': {
      const agg = claim?.aggregate ?? 'p95';
      if (load) return { value: load.latencyMs[agg], unit: 'ms', from: `load ${agg}` };
      const k = kpiByMetric(report, 'http_req_duration', LATENCY_THRESHOLD[agg]);
      return k && { ...k, unit: 'ms' };
    }
    case 'error-rate':
      if (load) return { value: load.errorRate, unit: 'ratio', from: 'load error rate' };
      return kpiByMetric(report, 'http_req_failed');
    case 'success-rate': {
      const c = load?.checks;
      if (c && c.passes + c.fails > 0)
        return { value: c.passes / (c.passes + c.fails), unit: 'ratio', from: 'load checks' };
      return kpiByMetric(report, 'checks');
    }
    case 'availability': {
      const a = load?.availability;
      if (a && a.polls > 0) return { value: a.ok / a.polls, unit: 'ratio', from: `health polls of ${a.url}` };
      return kpiByMetric(report, 'availability');
    }
    case 'token-lifetime':
      return kpiByMetric(report, 'auth_access_token_lifetime_s');
    case 'lockout-attempts':
      return kpiByMetric(report, 'auth_lockout_attempts');
    case 'password-length':
      return kpiByMetric(report, 'auth_password_min_length');
  }
}

/** Does the measured value honour the number the claim states? */
export function honours(claim: ClaimedNumber, measured: number): boolean {
  switch (claim.bound) {
    case 'max':
      return measured <= claim.value;
    case 'min':
      return measured >= claim.value;
    case 'about':
      return Math.abs(measured - claim.value) <= Math.max(1, claim.value * 0.1);
  }
}

const fmt = (v: number, unit: string): string => {
  if (unit === 'ratio') return `${+(v * 100).toFixed(3)}%`;
  return `${+v.toFixed(2)} ${unit}`;
};

export function describeComparison(claim: ClaimedNumber, m: Measured): string {
  const word = { max: 'at most', min: 'at least', about: 'about' }[claim.bound];
  return `claims ${word} ${fmt(claim.value, claim.unit)}${claim.aggregate ? ` (${claim.aggregate})` : ''}, measured ${fmt(m.value, claim.unit)} (${m.from})`;
}
