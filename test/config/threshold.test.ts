import { describe, expect, it } from 'vitest';
import { holds, parseThreshold, splitMetric, validateMetricThreshold, ThresholdError } from '../../core/threshold.ts';

describe('k6 threshold expressions', () => {
  it.each([
    ['p(95)<200', { aggregation: 'p(95)', operator: '<', value: 200 }],
    ['p(99.9) <= 1500', { aggregation: 'p(99.9)', operator: '<=', value: 1500 }],
    ['avg<500', { aggregation: 'avg', operator: '<', value: 500 }],
    ['min>=0', { aggregation: 'min', operator: '>=', value: 0 }],
    ['med>1', { aggregation: 'med', operator: '>', value: 1 }],
    ['max<2000', { aggregation: 'max', operator: '<', value: 2000 }],
    ['rate<0.001', { aggregation: 'rate', operator: '<', value: 0.001 }],
    ['count==0', { aggregation: 'count', operator: '==', value: 0 }],
    ['value!=3', { aggregation: 'value', operator: '!=', value: 3 }],
    ['rate<1e-3', { aggregation: 'rate', operator: '<', value: 0.001 }],
    ['count===0', { aggregation: 'count', operator: '===', value: 0 }],
    ['p(95)<=-1', { aggregation: 'p(95)', operator: '<=', value: -1 }],
  ])('parses %s', (expr, expected) => {
    expect(parseThreshold(expr)).toEqual({ source: expr.trim(), ...expected });
  });

  it.each([
    'p95<200',
    'p(95)',
    '<200',
    'avg<fast',
    'p(101)<3',
    'mean<5',
    'avg=<5',
    '',
    'P(95)<200',
    'AVG<500',
    'p( 95 )<200',
    'p<200',
    'avg<NaN',
    'avg<0x10',
  ])('rejects %j with the expected form', (expr) => {
    expect(() => parseThreshold(expr)).toThrow(ThresholdError);
  });

  it('applies every operator', () => {
    const t = (op: string, v: number) => holds(parseThreshold(`value${op}${v}`), 10);
    expect([
      t('<', 11),
      t('<', 10),
      t('<=', 10),
      t('>', 9),
      t('>', 10),
      t('>=', 10),
      t('==', 10),
      t('==', 9),
      t('!=', 9),
      t('!=', 10),
      t('===', 10),
      t('===', 9),
    ]).toEqual([true, false, true, true, false, true, true, false, true, false, true, false]);
  });

  it('splits k6 submetric tag filters', () => {
    expect(splitMetric('http_req_duration{name:login, method:POST}')).toEqual({
      base: 'http_req_duration',
      tags: { name: 'login', method: 'POST' },
    });
    expect(() => splitMetric('http_req_duration{name}')).toThrow(/name:value/);
  });

  it('refuses a metric no suite produces, so it can never silently pass', () => {
    expect(() => validateMetricThreshold('http_req_durations', parseThreshold('p(95)<200'))).toThrow(
      /no suite measures a metric named "http_req_durations"/,
    );
  });

  it('refuses an aggregation the metric type does not have', () => {
    expect(() => validateMetricThreshold('http_req_failed', parseThreshold('p(95)<1'))).toThrow(/rate metric/);
    expect(() => validateMetricThreshold('tls_cert_days_left{host:x}', parseThreshold('value>=30'))).toThrow(
      /takes no \{tag\}/,
    );
    expect(() => validateMetricThreshold('http_req_duration{name:login}', parseThreshold('p(95)<200'))).not.toThrow();
  });
});
