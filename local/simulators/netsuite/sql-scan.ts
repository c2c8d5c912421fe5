/**
 * A small SQL lexer used to validate a SuiteQL statement before SQLite runs it (one statement, starting with
 * SELECT, how many `?` placeholders, which bare words) and for the one rewrite SQLite forces on us: quoting
 * identifiers that are reserved in SQLite but plain names in SuiteQL (`transaction`). It never answers a query.
 */

interface Token {
  kind: 'word' | 'string' | 'quoted' | 'semicolon' | 'placeholder' | 'other';
  start: number;
  end: number;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    const next = sql[i + 1] ?? '';
    const start = i;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '-' && next === '-') {
      while (i < sql.length && sql[i] !== '\n') i += 1;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"') {
      // A doubled quote inside a literal is an escaped quote.
      i += 1;
      while (i < sql.length) {
        if (sql[i] === c && sql[i + 1] === c) i += 2;
        else if (sql[i] === c) break;
        else i += 1;
      }
      i += 1;
      tokens.push({ kind: c === "'" ? 'string' : 'quoted', start, end: Math.min(i, sql.length) });
    } else if (/[A-Za-z_]/.test(c)) {
      i += 1;
      while (i < sql.length && /[A-Za-z0-9_$#]/.test(sql[i] ?? '')) i += 1;
      tokens.push({ kind: 'word', start, end: i });
    } else {
      i += 1;
      tokens.push({ kind: c === ';' ? 'semicolon' : c === '?' ? 'placeholder' : 'other', start, end: i });
    }
  }
  return tokens;
}

export interface SqlShape {
  /** Upper-cased first token when it is a word ('' otherwise). */
  firstKeyword: string;
  /** Number of non-empty statements separated by `;`. */
  statements: number;
  /** Count of anonymous `?` placeholders outside literals and comments. */
  placeholders: number;
  /** Upper-cased bare words (keywords and unquoted identifiers). */
  words: Set<string>;
}

export function scanSql(sql: string): SqlShape {
  const tokens = tokenize(sql);
  const first = tokens[0];
  let statements = 0;
  let inStatement = false;
  for (const token of tokens) {
    if (token.kind === 'semicolon') inStatement = false;
    else if (!inStatement) {
      statements += 1;
      inStatement = true;
    }
  }
  return {
    firstKeyword: first?.kind === 'word' ? sql.slice(first.start, first.end).toUpperCase() : '',
    statements,
    placeholders: tokens.filter((token) => token.kind === 'placeholder').length,
    words: new Set(tokens.filter((token) => token.kind === 'word').map((token) => sql.slice(token.start, token.end).toUpperCase())),
  };
}

/** SuiteQL names that SQLite reserves as keywords; they are double-quoted so SQLite reads them as names. */
const SQLITE_RESERVED_NAMES = new Set(['TRANSACTION']);

export function quoteSqliteReservedNames(sql: string): string {
  let out = '';
  let last = 0;
  for (const token of tokenize(sql)) {
    if (token.kind !== 'word') continue;
    const word = sql.slice(token.start, token.end);
    if (!SQLITE_RESERVED_NAMES.has(word.toUpperCase())) continue;
    out += `${sql.slice(last, token.start)}"${word.toLowerCase()}"`;
    last = token.end;
  }
  return out + sql.slice(last);
}

/**
 * `BUILTIN.CF(x)` / `BUILTIN.DF(x)` (SuiteQL built-ins; SQLite has no dotted function names) become
 * `BUILTIN_CF(type, x)`: of `[alias.]status` the row's `type` goes along, so the code reads 'ItemShip:C' and the
 * display name 'Shipped' (lifecycle.md §1.5); of anything else NULL does, and the value comes back unchanged.
 */
export function rewriteBuiltins(sql: string): string {
  const tokens = tokenize(sql);
  const text = (index: number) => {
    const token = tokens[index];
    return token ? sql.slice(token.start, token.end).toUpperCase() : '';
  };
  let out = '';
  let last = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    if (text(i) !== 'BUILTIN' || text(i + 1) !== '.' || !['CF', 'DF'].includes(text(i + 2)) || text(i + 3) !== '(') continue;
    const name = `BUILTIN_${text(i + 2)}(`;
    const open = tokens[i + 3]!;
    let replacement = `${name}NULL, `;
    let end = open.end;
    if (text(i + 4) === 'STATUS' && text(i + 5) === ')') replacement = `${name}type, status`;
    else if (tokens[i + 4]?.kind === 'word' && text(i + 5) === '.' && text(i + 6) === 'STATUS' && text(i + 7) === ')') {
      const alias = sql.slice(tokens[i + 4]!.start, tokens[i + 4]!.end);
      replacement = `${name}${alias}.type, ${alias}.status`;
      end = tokens[i + 6]!.end;
    }
    if (replacement.endsWith('status') && text(i + 5) === ')') end = tokens[i + 4]!.end;
    out += sql.slice(last, tokens[i]!.start) + replacement;
    last = end;
  }
  return out + sql.slice(last);
}
