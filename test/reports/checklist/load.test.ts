import { fileURLToPath } from 'node:url';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../core/errors.ts';
import { CHECKLIST_MAX_BYTES, loadChecklist } from '../../../reports/checklist/judge.ts';
import { parseChecklist } from '../../../reports/checklist/parse.ts';

const DIR = fileURLToPath(new URL('../../fixtures/checklists', import.meta.url));
const FOURTH = join(
  DIR,
  readdirSync(DIR)
    .sort()
    .find((f) => f.startsWith('004'))!,
);
const text = readFileSync(FOURTH, 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'gonogo-checklist-'));
let n = 0;
const write = (body: string | Buffer): string => {
  const p = join(tmp, `${n++}.md`);
  writeFileSync(p, body);
  return p;
};
const utf16le = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf16le');
  b.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), b]);
};

describe('reading a checklist file', () => {
  const expected = parseChecklist(text);

  it.each([
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
    ['UTF-16LE with a BOM (Windows "Unicode")', utf16le(text)],
    ['UTF-16BE with a BOM', utf16be(text)],
    ['CR-only line endings', text.replace(/\r?\n/g, '\r')],
  ])('%s gives the same claims as the UTF-8 original', async (_, body) => {
    expect((await loadChecklist(write(body))).claims).toEqual(expected);
  });

  it.each([
    ['empty', '\n  \n', /the checklist .* is empty/],
    [
      'without a single claim',
      '# Launch notes\n\nWe are nearly ready.\n- talk to ops\n',
      /no claim found in the checklist .* \(5 lines\): gonogo reads task boxes/,
    ],
    [
      'UTF-16 without a BOM',
      Buffer.from(text, 'utf16le'),
      /looks like UTF-16LE without a byte-order mark; save it as UTF-8/,
    ],
    [
      'in a legacy 8-bit code page',
      Buffer.from('- [x] Caf\xe9 menu\n', 'latin1'),
      /is not valid UTF-8 \(byte 0xe9 on line 1\)/,
    ],
    [
      'over the size limit',
      `- [x] done\n${'x'.repeat(CHECKLIST_MAX_BYTES)}`,
      /is 1 MiB \(1048587 bytes\); the largest checklist gonogo reads is 1 MiB \(1048576 bytes\)/,
    ],
  ])('a checklist %s is an input error naming the file', async (_, body, message) => {
    const file = write(body);
    const e = await loadChecklist(file).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toContain(file);
    expect((e as Error).message).toMatch(message);
  });

  it('a FIFO is refused at once', async () => {
    const fifo = join(tmp, 'fifo.md');
    await execa('mkfifo', [fifo]);
    await expect(loadChecklist(fifo)).rejects.toThrow(/is a FIFO \(named pipe\), not a regular file/);
  });
});
