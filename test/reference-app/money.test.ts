import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../reference-app/dialects.ts';
import { amountIn, amountOut, currencyIn, currencyOut } from '../../reference-app/money.ts';

const { marketplace, drf, fastapi } = DIALECTS;

describe('amounts and currencies as each dialect speaks them', () => {
  it('drf reads and writes decimal major units as a DRF DecimalField(decimal_places=2) does', () => {
    expect([
      amountIn(drf, '200.00'),
      amountIn(drf, '200'),
      amountIn(drf, 200),
      amountIn(drf, 199.5),
      amountIn(drf, '0.05'),
      amountIn(drf, '-1.00'),
      amountIn(drf, '0'),
    ]).toEqual([
      { cents: 20000 },
      { cents: 20000 },
      { cents: 20000 },
      { cents: 19950 },
      { cents: 5 },
      { cents: -100 },
      { cents: 0 },
    ]);
    expect(amountIn(drf, '200.005')).toEqual({ error: 'Ensure that there are no more than 2 decimal places.' });
    for (const v of ['', 'abc', '2e4', null, true, { amount: 1 }])
      expect(amountIn(drf, v)).toEqual({ error: 'A valid number is required.' });
    expect([
      amountOut(drf, 20000),
      amountOut(drf, 40000),
      amountOut(drf, 5),
      amountOut(drf, 0),
      amountOut(drf, -150),
    ]).toEqual(['200.00', '400.00', '0.05', '0.00', '-1.50']);
  });

  it('the other dialects keep integer cents', () => {
    for (const d of [marketplace, fastapi]) {
      expect([amountIn(d, 20000), amountOut(d, 20000)]).toEqual([{ cents: 20000 }, 20000]);
      expect([amountIn(d, '20000'), amountIn(d, 200.5)]).toEqual([
        { error: 'must be an integer number of cents' },
        { error: 'must be an integer number of cents' },
      ]);
    }
  });

  it('drf takes and writes upper-case codes only (an exact choice list); the others take either case and write lower case', () => {
    expect([currencyIn(drf, 'USD'), currencyIn(drf, 'usd'), currencyOut(drf, 'usd')]).toEqual([
      'usd',
      undefined,
      'USD',
    ]);
    expect([
      currencyIn(marketplace, 'USD'),
      currencyIn(fastapi, 'eur'),
      currencyOut(marketplace, 'usd'),
      currencyIn(marketplace, 5),
    ]).toEqual(['usd', 'eur', 'usd', undefined]);
  });
});
