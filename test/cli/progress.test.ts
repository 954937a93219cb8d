import { describe, expect, it } from 'vitest';
import { createProgress } from '../../cli/progress.ts';

describe('progress lines', () => {
  it('show escape characters and bidi overrides from a suite message instead of sending them to the terminal', () => {
    for (const tty of [false, true]) {
      const out: string[] = [];
      const p = createProgress((s) => out.push(s), tty, () => 0);
      p.event({ suite: 'smoke', kind: 'warn', message: 'target said \u001b[2J\u001b[31mGO\u202E' });
      const text = out.join('');
      expect(text).toContain('target said \\u001B[2J\\u001B[31mGO\\u202E');
      expect(text).not.toContain('\u001b[2J');
      expect(text).not.toContain('\u202E');
    }
  });
});
