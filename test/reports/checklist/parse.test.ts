import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChecklist } from '../../../reports/checklist/parse.ts';
import { repairLine, repairText } from '../../../reports/checklist/encoding.ts';

const DIR = fileURLToPath(new URL('../../fixtures/checklists', import.meta.url));
const pick = (claims: ReturnType<typeof parseChecklist>) =>
  claims.map(({ text, line, claimed, section, shape }) => ({ text, line, claimed, section, shape }));

describe('double-encoded emoji', () => {
  it('repairs UTF-8 read as windows-1252 and as Mac Roman, and leaves good text alone', () => {
    expect(repairLine('- âœ… Done')).toBe('- ✅ Done');
    expect(repairLine('- ‚úÖ Done')).toBe('- ✅ Done');
    expect(repairLine('## ðŸ”’ SECURITY')).toBe('## 🔒 SECURITY');
    expect(repairLine('café → naïve ✅')).toBe('café → naïve ✅');
    expect(repairLine('plain ascii')).toBe('plain ascii');
  });
  it('marks a character whose last byte was lost instead of leaving mojibake', () => {
    // U+1F50D is F0 9F 94 8D; windows-1252 has no 0x8D, so that byte never arrived.
    expect(repairText('## ðŸ” MONITORING')).toBe('## \uFFFD MONITORING');
  });
});

describe('claim shapes', () => {
  it('task boxes, ticked and not, with nested headings as the section', () => {
    const doc = [
      '# Launch',
      '## Security',
      '### Headers',
      '- [x] HSTS with preload',
      '- [ ] CSP',
      '* [X] CORS configured',
      '1. [ ] Rotate keys',
      '',
      '## Perf',
      '- [x] p95 < 200ms',
    ].join('\n');
    expect(pick(parseChecklist(doc))).toEqual([
      { text: 'HSTS with preload', line: 4, claimed: true, section: 'Launch > Security > Headers', shape: 'task' },
      { text: 'CSP', line: 5, claimed: false, section: 'Launch > Security > Headers', shape: 'task' },
      { text: 'CORS configured', line: 6, claimed: true, section: 'Launch > Security > Headers', shape: 'task' },
      { text: 'Rotate keys', line: 7, claimed: false, section: 'Launch > Security > Headers', shape: 'task' },
      { text: 'p95 < 200ms', line: 10, claimed: true, section: 'Launch > Perf', shape: 'task' },
    ]);
  });

  it('check-mark emoji on list items and plain lines, positive and negative, double-encoded or not', () => {
    const doc = [
      '## Status',
      '- ✅ Rate limiting on',
      '- âœ… **DEBUG** off',
      '- ‚úÖ Demo data removed',
      '- ❌ Lockout',
      '**Security**: ✔️ hardened',
      '⬜ Backups',
      '- no marker here',
    ].join('\n');
    expect(pick(parseChecklist(doc))).toEqual([
      { text: 'Rate limiting on', line: 2, claimed: true, section: 'Status', shape: 'emoji' },
      { text: 'DEBUG off', line: 3, claimed: true, section: 'Status', shape: 'emoji' },
      { text: 'Demo data removed', line: 4, claimed: true, section: 'Status', shape: 'emoji' },
      { text: 'Lockout', line: 5, claimed: false, section: 'Status', shape: 'emoji' },
      { text: 'Security: hardened', line: 6, claimed: true, section: 'Status', shape: 'emoji' },
      { text: 'Backups', line: 7, claimed: false, section: 'Status', shape: 'emoji' },
    ]);
  });

  it('a Status column in a Markdown table: emoji, words and percentages', () => {
    const doc = [
      '## Metrics',
      '| Metric | Target | Status |',
      '|---|---|---|',
      '| Response time p95 | <200ms | ✅ Done |',
      '| Error rate | <0.1% | Complete |',
      '| Uptime | 99.9% | 100% |',
      '| Lockout | 5 tries | Pending |',
      '| Notes | — | |',
    ].join('\n');
    expect(pick(parseChecklist(doc))).toEqual([
      { text: 'Response time p95, target <200ms', line: 4, claimed: true, section: 'Metrics', shape: 'table' },
      { text: 'Error rate, target <0.1%', line: 5, claimed: true, section: 'Metrics', shape: 'table' },
      { text: 'Uptime, target 99.9%', line: 6, claimed: true, section: 'Metrics', shape: 'table' },
      { text: 'Lockout, target 5 tries', line: 7, claimed: false, section: 'Metrics', shape: 'table' },
    ]);
  });

  it('unmarked items under a heading marked done are claims; code blocks and sub-bullets are not', () => {
    const doc = [
      '## Done ✅',
      '- Escrow cannot be bypassed',
      '  - detail',
      '```',
      '- [x] inside code',
      '```',
      '## Later',
      '- plain item',
    ].join('\n');
    expect(pick(parseChecklist(doc))).toEqual([
      { text: 'Escrow cannot be bypassed', line: 2, claimed: true, section: 'Done', shape: 'heading' },
    ]);
  });

  it('CR-only and CRLF line endings end lines like LF, with the same line numbers', () => {
    const lines = ['## Security', '- [x] HSTS with preload', '- [ ] CSP', '', '- ✅ Rate limiting on'];
    const lf = pick(parseChecklist(lines.join('\n')));
    expect(lf).toHaveLength(3);
    expect(pick(parseChecklist(lines.join('\r')))).toEqual(lf);
    expect(pick(parseChecklist(lines.join('\r\n')))).toEqual(lf);
  });

  it('unmarked sub-items of a claim ending in a colon are claims with its state; of other items they are not', () => {
    const doc = [
      '## Settings',
      '- ✅ Hardened production settings:',
      '  - `DEBUG = False`',
      '  - **RATE_LIMIT_ENABLED = True**',
      '- [ ] Still to set:',
      '  - ALLOWED_HOSTS',
      '- ✅ Escrow enforced',
      '  - detail',
      '- Notes:',
      '  - not a claim',
    ].join('\n');
    expect(pick(parseChecklist(doc))).toEqual([
      { text: 'Hardened production settings', line: 2, claimed: true, section: 'Settings', shape: 'emoji' },
      {
        text: 'DEBUG = False',
        line: 3,
        claimed: true,
        section: 'Settings > Hardened production settings',
        shape: 'item',
      },
      {
        text: 'RATE_LIMIT_ENABLED = True',
        line: 4,
        claimed: true,
        section: 'Settings > Hardened production settings',
        shape: 'item',
      },
      { text: 'Still to set', line: 5, claimed: false, section: 'Settings', shape: 'task' },
      { text: 'ALLOWED_HOSTS', line: 6, claimed: false, section: 'Settings > Still to set', shape: 'item' },
      { text: 'Escrow enforced', line: 7, claimed: true, section: 'Settings', shape: 'emoji' },
    ]);
    expect(parseChecklist(doc)[1]!.note).toBe('unmarked item under "Hardened production settings", marked done');
  });

  it('a list item ending in a colon becomes context for the items under it', () => {
    const doc = ['## Verify', '1. **Security Verification:**', '   - [ ] Test rate limiting is active'].join('\n');
    expect(parseChecklist(doc)[0]!.section).toBe('Verify > Security Verification');
  });
});

describe('the real checklists', () => {
  // Counts stated in the report of this feature; a parser change that moves them must be deliberate.
  const expected: Record<string, { total: number; claimed: number }> = {
    // 000 lists settings under ticked items ending in a colon ("✅ Enhanced ProductionSettings ...:" then "DEBUG: bool = False"): 15 claims.
    '000': { total: 87, claimed: 75 },
    '001': { total: 22, claimed: 6 },
    '002': { total: 198, claimed: 36 },
    '003': { total: 54, claimed: 54 },
    '004': { total: 171, claimed: 89 },
  };
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  it('finds all five', () => expect(files.map((f) => f.slice(0, 3))).toEqual(Object.keys(expected)));
  for (const f of files) {
    it(`${f} parses with the stated number of claims and no mojibake left`, () => {
      const claims = parseChecklist(readFileSync(`${DIR}/${f}`, 'utf8'));
      const e = expected[f.slice(0, 3)]!;
      expect({ total: claims.length, claimed: claims.filter((c) => c.claimed).length }).toEqual(e);
      for (const c of claims) expect(`${c.text} ${c.section ?? ''}`).not.toMatch(/âœ|‚úÖ|ðŸ|Ã/);
    });
  }
  it('finds "Rate limiting configured (100 req/min)" in 004 as a ticked claim under Security', () => {
    const f = files.find((x) => x.startsWith('004'))!;
    const claim = parseChecklist(readFileSync(`${DIR}/${f}`, 'utf8')).find(
      (c) => c.text === 'Rate limiting configured (100 req/min)',
    );
    expect(claim).toMatchObject({
      line: 30,
      claimed: true,
      section: 'Production Readiness Checklist > Pre-Deployment Verification > Security',
    });
  });
});
