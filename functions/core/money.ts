/**
 * Money without floating-point drift. BigCommerce sends decimals as strings ("62.6793"); we keep them as
 * integer ten-thousandths (4 dp, BigCommerce's own precision) and only turn them into JSON numbers when
 * building the NetSuite payload.
 */

/** An amount in ten-thousandths of the currency unit (12.5 → 125000). Always an integer. */
export type Money = number & { readonly __money: unique symbol };

const SCALE = 10_000;
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function parseMoney(text: string | number): Money {
  const source = typeof text === 'number' ? String(text) : text.trim();
  const match = DECIMAL.exec(source);
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole = '0', fraction = ''] = match;
  // Round half away from zero at the fifth decimal, as BigCommerce rounds to 4 dp.
  const digits = (fraction + '00000').slice(0, 5);
  let units = Number(whole) * SCALE + Math.floor(Number(digits) / 10);
  if (Number(digits[4]) >= 5) units += 1;
  if (!Number.isSafeInteger(units)) throw new RangeError(`amount out of range: ${source}`);
  return (sign && units !== 0 ? -units : units) as Money;
}

export const zeroMoney = 0 as Money;

export function addMoney(...amounts: Money[]): Money {
  return amounts.reduce((sum, amount) => sum + amount, 0) as Money;
}

export function subtractMoney(a: Money, b: Money): Money {
  return (a - b) as Money;
}

export function multiplyMoney(amount: Money, quantity: number): Money {
  return Math.round(amount * quantity) as Money;
}

export function negateMoney(amount: Money): Money {
  return (amount === 0 ? 0 : -amount) as Money;
}

/** The JSON number NetSuite expects (62.6793). Exact for 4-dp values within range. */
export function moneyToNumber(amount: Money): number {
  return amount / SCALE;
}

/** Two-decimal display text for people (alerts, reports). */
export function formatMoney(amount: Money): string {
  return (amount / SCALE).toFixed(2);
}
