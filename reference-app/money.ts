import type { Dialect } from './dialects.ts';

/**
 * Amounts and currencies as each dialect's API speaks them. The platform stores cents and lower-case codes (as
 * Stripe sends them); a Django model's `DecimalField(decimal_places=2)` reads and writes decimal strings ("200.00")
 * and a `ChoiceField` of upper-case codes, as DRF serialises them.
 */
const DECIMAL_PLACES = 2;
const DECIMAL = /^(-?)(\d{1,10})(?:\.(\d+))?$/;

/** The cents of an amount the client sent, or a reason it is not one. */
export function amountIn(d: Dialect, v: unknown): { cents: number } | { error: string } {
  if (d.escrow.amounts === 'cents')
    return typeof v === 'number' && Number.isSafeInteger(v)
      ? { cents: v }
      : { error: 'must be an integer number of cents' };
  // DRF's DecimalField takes a JSON number or a numeric string, and refuses more places than the field has.
  const m = typeof v === 'number' || typeof v === 'string' ? DECIMAL.exec(String(v).trim()) : null;
  if (!m) return { error: 'A valid number is required.' };
  const frac = m[3] ?? '';
  if (frac.length > DECIMAL_PLACES)
    return { error: `Ensure that there are no more than ${DECIMAL_PLACES} decimal places.` };
  const cents = Number(m[2]) * 10 ** DECIMAL_PLACES + Number(frac.padEnd(DECIMAL_PLACES, '0'));
  return { cents: m[1] ? -cents : cents };
}

/** An amount in cents as the dialect writes it: the integer, or DRF's decimal string ("200.00"). */
export function amountOut(d: Dialect, cents: number): number | string {
  if (d.escrow.amounts === 'cents') return cents;
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 10 ** DECIMAL_PLACES)}.${String(abs % 10 ** DECIMAL_PLACES).padStart(DECIMAL_PLACES, '0')}`;
}

/** The stored (lower-case) code of a currency the client sent, when the dialect accepts that spelling. */
export function currencyIn(d: Dialect, v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (d.escrow.currencyCase === 'upper') return v === v.toUpperCase() ? v.toLowerCase() : undefined;
  return v.toLowerCase();
}

export const currencyOut = (d: Dialect, stored: string): string =>
  d.escrow.currencyCase === 'upper' ? stored.toUpperCase() : stored;
