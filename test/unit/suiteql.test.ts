import { sqlIdentifier, sqlString, sqlStringList } from '../../functions/adapters/netsuite/suiteql.ts';

test('doubles single quotes so a value cannot end its literal', () => {
  expect(sqlString("o'brien@example.com")).toBe("'o''brien@example.com'");
  expect(sqlString("x' OR '1'='1")).toBe("'x'' OR ''1''=''1'");
  expect(sqlString('back\\slash "double"')).toBe(`'back\\slash "double"'`);
});

test('IN lists quote every value and respect the 1000-value limit', () => {
  expect(sqlStringList(['A', "B'C"])).toBe("('A', 'B''C')");
  expect(() => sqlStringList([])).toThrow(RangeError);
  expect(() => sqlStringList(Array.from({ length: 1001 }, (_, i) => String(i)))).toThrow(RangeError);
});

test('identifiers are plain names only', () => {
  expect(sqlIdentifier('custitem_sku')).toBe('custitem_sku');
  expect(() => sqlIdentifier('itemid; DROP')).toThrow(RangeError);
});
