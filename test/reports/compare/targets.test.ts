import { describe, expect, it } from 'vitest';
import { targetKey } from '../../../core/url.ts';
import { compareReports, sameTarget } from '../../../reports/compare/compare.ts';
import { buildTrend } from '../../../reports/trend/trend.ts';
import { makeReport } from './fixtures.ts';

// Each report its own run: the same run given twice is a warning of its own.
let runs = 0;
const at = (baseUrl: string) => makeReport({ baseUrl, label: `r${++runs}` });

describe('the same target spelt differently', () => {
  it.each([
    ['https://shop.example.com/', 'https://shop.example.com'],
    ['https://SHOP.Example.com', 'https://shop.example.com'],
    ['https://shop.example.com:443', 'https://shop.example.com'],
    ['http://shop.example.com:80/app/', 'http://shop.example.com/app'],
    ['https://[redacted]@shop.example.com', 'https://shop.example.com'],
    ['https://qa:secret@shop.example.com/', 'https://shop.example.com'],
  ])('%s is %s: no "different targets" in compare or trend', (a, b) => {
    expect(targetKey(a)).toBe(targetKey(b));
    expect(sameTarget([at(a), at(b)])).toBe(true);
    expect(compareReports(at(a), at(b)).warnings.filter((w) => w.startsWith('target differs'))).toEqual([]);
    expect(buildTrend([at(a), at(b)]).warnings).toEqual([]);
  });

  it.each([
    ['https://shop.example.com', 'https://staging.example.com'],
    ['https://shop.example.com', 'http://shop.example.com'],
    ['https://shop.example.com:8443', 'https://shop.example.com'],
    ['https://shop.example.com/app', 'https://shop.example.com/api'],
  ])('%s and %s are different targets, and both pages say so', (a, b) => {
    expect(sameTarget([at(a), at(b)])).toBe(false);
    expect(compareReports(at(a), at(b)).warnings).toEqual([`target differs: ${a} vs ${b}`]);
    expect(buildTrend([at(a), at(b)]).warnings).toEqual(['the reports test different targets']);
  });

  it('runs of the bundled reference platform are one target whatever port each got; a team target beside them is not', () => {
    const ref = (port: number) => {
      const r = at(`https://127.0.0.1:${port}`);
      r.run.provenance.reference = { flaws: [] };
      return r;
    };
    expect(buildTrend([ref(35535), ref(32859)]).warnings).toEqual([]);
    expect(buildTrend([ref(35535), at('https://127.0.0.1:32859')]).warnings).toEqual([
      'the reports test different targets',
    ]);
  });
});
