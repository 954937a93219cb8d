import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { InputError } from './errors.ts';

/** What a file handed to gonogo is, in words, for the error that refuses it. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const mib = (n: number): string => `${Number((n / 1048576).toFixed(2))} MiB`;

export interface InputFileOptions {
  /** What the file is to gonogo ("lockfile", "checklist", "report"), for the messages. */
  what: string;
  /** Larger files are refused before they are read. */
  maxBytes: number;
}

/** Opens a regular file of at most `maxBytes` (non-blocking, so a FIFO is refused instead of awaited), or throws an InputError naming it. */
async function openRegular(path: string, { what, maxBytes }: InputFileOptions): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new InputError(`cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      cause: e,
    });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      throw new InputError(
        `the ${what} ${path} is ${kindOf(st)}, not a regular file; gonogo only reads regular files (a pipe or device may never end)`,
      );
    if (st.size > maxBytes)
      throw new InputError(
        `the ${what} ${path} is ${mib(st.size)} (${st.size} bytes); the largest ${what} gonogo reads is ${mib(maxBytes)} (${maxBytes} bytes)`,
      );
    return handle;
  } catch (e) {
    await handle.close();
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      cause: e,
    });
  }
}

/**
 * Checks, without reading it, that a file another component will read (a config module, a k6 stream) is a
 * regular file within `maxBytes`: what that reader would wait on forever (a FIFO, a device) is refused first.
 */
export async function checkInputFile(path: string, options: InputFileOptions): Promise<void> {
  await (await openRegular(path, options)).close();
}

/**
 * Reads a file a user handed to gonogo, refusing what could hang or exhaust the process: only regular
 * files (a FIFO or device never ends), at most `maxBytes`. Opened non-blocking so a FIFO is refused
 * instead of waiting for a writer; the type is checked on the open handle, so it cannot change in between.
 */
export async function readInputBytes(path: string, { what, maxBytes }: InputFileOptions): Promise<Buffer> {
  const handle = await openRegular(path, { what, maxBytes });
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    // Read until EOF rather than trusting the size: a file that grows while it is read stays bounded.
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes)
        throw new InputError(
          `the ${what} ${path} grew past ${mib(maxBytes)} while it was read; the largest ${what} gonogo reads is ${mib(maxBytes)}`,
        );
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      cause: e,
    });
  } finally {
    await handle.close();
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** 1-based line of a byte offset. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8 (checked by hand: TextDecoder only says that it failed). */
function firstBadUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    try {
      strictUtf8.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return -1;
}

/** NULs on odd (LE) or even (BE) offsets of mostly-ASCII text: UTF-16 saved without its byte-order mark. */
function utf16Guess(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | null {
  const n = Math.min(bytes.length, 512) & ~1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++)
    if (bytes[i] === 0) {
      if (i % 2) odd++;
      else even++;
    }
  if (odd > n / 4 && even === 0) return 'UTF-16LE';
  if (even > n / 4 && odd === 0) return 'UTF-16BE';
  return null;
}

/**
 * Decodes a text file: UTF-8 (with or without its BOM) or UTF-16 LE/BE with a BOM. Anything else is
 * refused with the reason (UTF-32, UTF-16 without a BOM, NUL bytes, invalid UTF-8 and where): a file
 * read wrongly would silently yield nothing to judge.
 */
export function decodeInput(bytes: Uint8Array, path: string, what: string): string {
  const [a, b, c, d] = bytes;
  const resave = 'save it as UTF-8';
  if ((a === 0xff && b === 0xfe && c === 0 && d === 0) || (a === 0 && b === 0 && c === 0xfe && d === 0xff)) {
    throw new InputError(`the ${what} ${path} is UTF-32, which gonogo does not read; ${resave}`);
  }
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) {
    const encoding = a === 0xff ? 'utf-16le' : 'utf-16be';
    if (bytes.length % 2)
      throw new InputError(
        `the ${what} ${path} is ${encoding.toUpperCase()} but has an odd number of bytes: it is truncated`,
      );
    // Loaded only for UTF-16 files (CommonJS, a few MB of the harness's memory); Node 20's TextDecoder lacks UTF-16BE without full ICU.
    const iconv = createRequire(import.meta.url)('iconv-lite') as typeof import('iconv-lite');
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding, { stripBOM: true });
  }
  const body = a === 0xef && b === 0xbb && c === 0xbf ? bytes.subarray(3) : bytes;
  const guess = utf16Guess(body);
  if (guess)
    throw new InputError(
      `the ${what} ${path} looks like ${guess} without a byte-order mark; ${resave} (or UTF-16 with a BOM)`,
    );
  const nul = body.indexOf(0);
  if (nul >= 0)
    throw new InputError(`the ${what} ${path} contains a NUL byte on line ${lineAt(body, nul)}: it is not a text file`);
  try {
    return strictUtf8.decode(body);
  } catch {
    const at = firstBadUtf8(body);
    throw new InputError(
      `the ${what} ${path} is not valid UTF-8 (byte 0x${(body[at] ?? 0).toString(16).padStart(2, '0')} on line ${lineAt(body, at)}); ${resave}`,
    );
  }
}

/** readInputBytes + decodeInput: the text of a file a user handed to gonogo, or an InputError naming it. */
export async function readInputText(path: string, options: InputFileOptions): Promise<string> {
  return decodeInput(await readInputBytes(path, options), path, options.what);
}

/** True when the InputError came from a file that does not exist (optional sibling files). */
export function isMissingFile(e: unknown): boolean {
  return e instanceof InputError && (e.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** The largest CA bundle gonogo reads: the whole Mozilla root store in PEM is about 220 KB. */
export const CA_FILE_MAX_BYTES = 16 * 1024 * 1024;

/**
 * A PEM CA bundle named by `--ca`, `target.caFile` or `security.tls.caFile`: read like every other input
 * (regular file, size cap, encoding), and refused unless it holds a PEM certificate, since a DER file or a
 * key in its place would otherwise only surface as an unexplained TLS failure of the target.
 */
export async function readCaFile(path: string): Promise<string> {
  const bytes = await readInputBytes(path, { what: 'CA file', maxBytes: CA_FILE_MAX_BYTES });
  if (!bytes.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError(
      `the CA file ${path} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"); give the CA bundle in PEM form (a DER file converts with \`openssl x509 -inform der -in FILE -out ca.pem\`)`,
    );
  }
  return decodeInput(bytes, path, 'CA file');
}
