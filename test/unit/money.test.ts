import { addMoney, formatMoney, moneyToNumber, multiplyMoney, parseMoney } from '../../functions/core/money.ts';

test('parses BigCommerce decimal strings exactly', () => {
  expect(parseMoney('62.6793')).toBe(626793);
  expect(parseMoney('0.0000')).toBe(0);
  expect(parseMoney('924.47')).toBe(9244700);
  expect(parseMoney('-5')).toBe(-50000);
  expect(parseMoney(19.5)).toBe(195000);
  expect(parseMoney('1.00005')).toBe(10001); // rounds half up at the fifth decimal
});

test('refuses what is not a decimal amount', () => {
  for (const bad of ['', 'abc', '1,00', '1e3', 'NaN', '12.']) expect(() => parseMoney(bad)).toThrow(RangeError);
});

test('adds without floating-point drift', () => {
  const total = addMoney(...Array.from({ length: 10 }, () => parseMoney('0.1')));
  expect(moneyToNumber(total)).toBe(1);
  expect(formatMoney(multiplyMoney(parseMoney('19.99'), 3))).toBe('59.97');
});
