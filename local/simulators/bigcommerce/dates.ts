/**
 * Date formats of the two API generations: v2 speaks RFC 2822 in UTC ("Tue, 05 Mar 2019 21:40:11 +0000"),
 * v3 speaks ISO 8601 with an explicit offset ("2022-06-16T18:39:00+00:00"). BigCommerce keeps whole seconds,
 * so stored instants are truncated to the second: a client that filters with a date it read back must match it.
 */

export function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** 'Tue, 05 Mar 2019 21:40:11 +0000'. */
export function toRfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

/** '2022-06-16T18:39:00+00:00'. */
export function toIso8601(ms: number): string {
  return new Date(truncateToSecond(ms)).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// The forms the v2 date filters document: RFC 2822 with a numeric zone (GMT/UT/Z tolerated) and
// ISO 8601 with a time and a zone. A '+' that the client forgot to percent-encode arrives as a space and fails.
const RFC_2822 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|GMT|UT|Z)$/;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses a v2 date filter value to epoch ms, or undefined when it is neither accepted form. */
export function parseFilterDate(text: string): number | undefined {
  const rfc = RFC_2822.exec(text);
  if (rfc) {
    const [, day, month, year, hour, minute, second, zone] = rfc;
    return assemble(Number(year), MONTHS.indexOf(month ?? ''), Number(day), Number(hour), Number(minute), Number(second ?? 0), 0, zone ?? 'Z');
  }
  const iso = ISO_8601.exec(text);
  if (iso) {
    const [, year, month, day, hour, minute, second, fraction, zone] = iso;
    const ms = Math.floor(Number(`0.${fraction ?? '0'}`) * 1000);
    return assemble(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0), ms, zone ?? 'Z');
  }
  return undefined;
}

function assemble(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, zone: string): number | undefined {
  if (month < 0 || month > 11 || hour > 23 || minute > 59 || second > 60) return undefined;
  const utc = Date.UTC(year, month, day, hour, minute, second, ms);
  // Reject impossible calendar days (31 Feb) instead of letting Date roll them over.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  return utc - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string): number {
  if (zone === 'Z' || zone === 'GMT' || zone === 'UT') return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  const hours = Number(digits.slice(1, 3));
  const minutes = Number(digits.slice(3, 5));
  return sign * (hours * 60 + minutes) * 60_000;
}

/** Seed dates may be a Date or any string `Date` understands; the store keeps whole seconds. */
export function seedInstant(value: Date | string | undefined, fallback: number, what: string): number {
  if (value === undefined) return truncateToSecond(fallback);
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${what}: "${String(value)}" is not a date`);
  return truncateToSecond(ms);
}
