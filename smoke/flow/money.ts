/**
 * Amounts in the platform's units. gonogo keeps every amount in minor units (Stripe's unit, which its events carry)
 * and converts where it meets the platform: the `{{amount_major}}` variables it writes, the amounts it reads back
 * (`escrow.order.paidAmountPath` with `paidAmountUnit`). Decimal strings throughout, never floats: 0.1 + 0.2 is not money.
 */

/**
 * ISO 4217 minor units that are not 2 (the list maintained by SIX for ISO, current amendment). Kept here because no
 * ISO 4217 package is a dependency, and Node's Intl.NumberFormat gives CLDR's display digits instead, which differ
 * (CLDR shows HUF, IQD, AFN and MGA with 0 digits; ISO gives them 2, 3, 2 and 2). `escrow.currencyExponent` overrides it.
 */
const ISO_4217_EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** How a platform writes an amount it stores: integer minor units (20000), or decimal major units ("200.00", 200.0). */
export const AMOUNT_UNITS = ['minor', 'major'] as const;
export type AmountUnit = (typeof AMOUNT_UNITS)[number];

/** Digits after the decimal point in major units: the override, else ISO 4217's minor unit, else 2. */
export function exponentOf(currency: string, override?: number): number {
  return override ?? ISO_4217_EXPONENTS[currency.toUpperCase()] ?? 2;
}

/** A decimal written without exponent ("200.00", "-0.5", "20000"); numbers are read through their shortest form. */
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function decimalText(v: unknown): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && !/e/i.test(String(v)) ? String(v) : undefined;
  if (typeof v === 'string') return DECIMAL.test(v.trim()) ? v.trim() : undefined;
  return undefined;
}

/** `value` x 10^shift as a canonical decimal ("20000", "-0.5"; no leading or trailing zeros), or undefined when it is not a decimal. */
function shifted(value: unknown, shift: number): string | undefined {
  const text = decimalText(value);
  if (text === undefined) return undefined;
  const m = DECIMAL.exec(text)!;
  const sign = m[1]!,
    int = m[2]!,
    frac = m[3] ?? '';
  let digits = int + frac;
  let point = int.length + shift;
  if (point > digits.length) digits = digits.padEnd(point, '0');
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  const whole = digits.slice(0, point).replace(/^0+/, '') || '0';
  const part = digits.slice(point).replace(/0+$/, '');
  const out = part ? `${whole}.${part}` : whole;
  return out === '0' ? '0' : `${sign}${out}`;
}

/** Minor units as decimal major units with exactly `exponent` digits: 20000 -> "200.00" (2), "20000" (0), "20.000" (3). */
export function toMajor(minor: number, exponent: number): string {
  const s = shifted(minor, -exponent);
  if (s === undefined) throw new RangeError(`${minor} is not an amount gonogo can write in major units`);
  if (exponent === 0) return s;
  const [whole, part = ''] = s.split('.');
  return `${whole}.${part.padEnd(exponent, '0')}`;
}

/**
 * The amount a platform wrote, in minor units as a canonical decimal, or undefined when it is not a number at all.
 * A major amount with more digits than the currency has ("200.005" in usd) stays fractional, so it never equals a whole amount.
 */
export function readMinor(value: unknown, unit: AmountUnit, exponent: number): string | undefined {
  return shifted(value, unit === 'major' ? exponent : 0);
}

/** Whether the platform's value is the expected minor amount, read in the platform's unit. */
export function sameAmount(value: unknown, expectedMinor: number, unit: AmountUnit, exponent: number): boolean {
  const read = readMinor(value, unit, exponent);
  return read !== undefined && read === shifted(expectedMinor, 0);
}

/** The expected minor amount written as the platform writes it, for evidence: "200.00" (major), "20000" (minor). */
export function showAmount(minor: number, unit: AmountUnit, exponent: number): string {
  return unit === 'major' ? toMajor(minor, exponent) : String(minor);
}

/** Stripe's API spells currencies in lower case; its events carry them so whatever the platform's own case. */
export const stripeCurrency = (currency: string): string => currency.toLowerCase();
