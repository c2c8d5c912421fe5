/**
 * Building SuiteQL safely. Before 2026.2 the REST query service has no bind parameters, so every value
 * becomes a single-quoted literal with quotes doubled (O'Brien → 'O''Brien'); the whole query then travels
 * JSON-encoded. No e-mail address or SKU can end a literal early and change the query.
 */

export function sqlString(value: string): string {
  // SuiteQL runs on Oracle, where a NUL cannot appear in a literal; strip it rather than send a broken query.
  return `'${value.replaceAll('\u0000', '').replaceAll("'", "''")}'`;
}

export function sqlStringList(values: string[]): string {
  if (values.length === 0) throw new RangeError('an IN list needs at least one value');
  if (values.length > 1000) throw new RangeError('SuiteQL IN lists hold at most 1000 values');
  return `(${values.map(sqlString).join(', ')})`;
}

/** Column names cannot be quoted as values; only plain identifiers are allowed through. */
export function sqlIdentifier(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/i.test(name)) throw new RangeError(`not a SuiteQL identifier: ${name}`);
  return name;
}
