/**
 * Exact decimal money for the simulator. Amounts are integers of 1/10000 (BigCommerce serves 4 decimal places),
 * so sums never drift the way floats would; a client that parses the strings must see the same identities we built.
 */

/** An amount in ten-thousandths of the currency unit. */
export type Units = number;

const UNITS_PER_CENT = 100;
const MONEY_PATTERN = /^(\d+)(?:\.(\d{1,4}))?$/;

/** Parses a non-negative decimal string with at most 4 decimals ('19.5' → 195000); throws on anything else. */
export function parseMoney(text: string, what: string): Units {
  const match = MONEY_PATTERN.exec(text);
  if (!match) throw new Error(`${what}: "${text}" is not a non-negative decimal with at most 4 decimals`);
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(4, '0'));
  return whole * 10_000 + fraction;
}

/** '12.3400' — the 4-dp string form BigCommerce v2 uses for every money field. */
export function formatMoney(units: Units): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  return `${sign}${Math.floor(abs / 10_000)}.${String(abs % 10_000).padStart(4, '0')}`;
}

/** 12.34 — v2 consignments serve money as JSON numbers (per the spec), unlike the rest of v2. */
export function moneyNumber(units: Units): number {
  return units / 10_000;
}

/** A tax rate as an exact integer of millionths, so `amount × rate` is integer arithmetic. */
export function rateToMillionths(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new Error(`taxRate ${rate} must be between 0 and 1`);
  return Math.round(rate * 1_000_000);
}

/** Tax on an amount, rounded half-up to whole cents like a store's tax engine. */
export function taxOn(units: Units, rateMillionths: number): Units {
  const cents = Math.round((units * rateMillionths) / (1_000_000 * UNITS_PER_CENT));
  return cents * UNITS_PER_CENT;
}

/**
 * Splits `total` across `weights` in proportion (BigCommerce pro-rates order-level discounts by line ex-tax value),
 * rounded to 4 dp, with the last weighted share taking the remainder so the shares always sum to `total`.
 */
export function prorate(total: Units, weights: Units[]): Units[] {
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0 || weightSum === 0) return weights.map(() => 0);
  const lastWeighted = weights.findLastIndex((weight) => weight > 0);
  let given = 0;
  return weights.map((weight, index) => {
    if (weight === 0) return 0;
    if (index === lastWeighted) return total - given;
    const share = Math.round((total * weight) / weightSum);
    given += share;
    return share;
  });
}
