/**
 * Reading request bodies the way NetSuite does: property names match case-insensitively (`otherrefnum` ==
 * `otherRefNum`), unknown properties are ignored (PropertyNameValidation defaults to warning), and a value of
 * the wrong type is refused (PropertyValueValidation defaults to error).
 */
import type { SimResponse } from '../sim-http.ts';
import { invalidFieldValue, userError } from './errors.ts';
import type { Json } from './records.ts';

/** A validation failure carrying the response to send; thrown by record builders, caught by the routes. */
export class Rejected extends Error {
  readonly response: SimResponse;

  constructor(response: SimResponse) {
    super('record rejected');
    this.response = response;
  }
}

export function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The same object with its own keys lower-cased (nested objects untouched). */
export function lowerKeys(value: Json): Json {
  const out: Json = {};
  for (const [key, entry] of Object.entries(value)) out[key.toLowerCase()] = entry;
  return out;
}

/** Case-insensitive property read. */
export function get(source: Json, name: string): unknown {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(source)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function optString(source: Json, name: string, path = name): string | undefined {
  const value = get(source, name);
  if (!present(value)) return undefined;
  if (typeof value !== 'string') throw new Rejected(invalidFieldValue(value, name.toLowerCase(), path));
  return value;
}

export function optNumber(source: Json, name: string, path = name): number | undefined {
  const value = get(source, name);
  if (!present(value)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Rejected(invalidFieldValue(value, name.toLowerCase(), path));
  return value;
}

export function optBoolean(source: Json, name: string, path = name): boolean | undefined {
  const value = get(source, name);
  if (!present(value)) return undefined;
  if (typeof value !== 'boolean') throw new Rejected(invalidFieldValue(value, name.toLowerCase(), path));
  return value;
}

/** A record reference `{ "id": "123" }` (a numeric id is accepted too); returns the id as a string. */
export function optRef(source: Json, name: string, path = name): string | undefined {
  const value = get(source, name);
  if (!present(value)) return undefined;
  const ref = asObject(value);
  const id = ref === undefined ? undefined : get(ref, 'id');
  if (typeof id === 'string' && id.trim() !== '') return id.trim();
  if (typeof id === 'number' && Number.isInteger(id)) return String(id);
  throw new Rejected(invalidFieldValue(value, name.toLowerCase(), path));
}

/** A reference that must be one of the account's configured ids (subsidiary, location, department, class). */
export function optListRef(source: Json, name: string, allowed: ReadonlySet<string>, path = name): string | undefined {
  const id = optRef(source, name, path);
  if (id !== undefined && !allowed.has(id)) throw new Rejected(invalidFieldValue(id, name.toLowerCase(), path));
  return id;
}

/** The `items` array of a sublist `{ "items": [...] }`; undefined when the sublist is absent. */
export function sublistItems(source: Json, name: string): Json[] | undefined {
  const value = get(source, name);
  if (!present(value)) return undefined;
  const items = asObject(value) === undefined ? undefined : get(value as Json, 'items');
  if (!Array.isArray(items) || !items.every((entry) => asObject(entry) !== undefined)) {
    throw new Rejected(invalidFieldValue(value, name.toLowerCase(), name));
  }
  return items as Json[];
}

/** NetSuite's message for a mandatory field left empty, naming the field by its UI label. */
export function missing(...labels: string[]): Rejected {
  return new Rejected(userError(`Please enter value(s) for: ${labels.join(', ')}`));
}

/** NetSuite's length limit message (as the UI and SOAP word it). */
export function checkLength(value: string | undefined, field: string, max: number): void {
  if (value !== undefined && value.length > max) {
    throw new Rejected(userError(`The field ${field} contained more than the maximum number ( ${max} ) of characters allowed.`));
  }
}

/**
 * Address subrecord: stored as sent; `country` must be an ISO-3166 alpha-2 code, as a string or `{ id }`. A US or
 * Canadian `state` must be one of NetSuite's short names ("TX", not "Texas"): Oracle's web services guide says state
 * values "must match the short name values listed at Setup > Company > States/Provinces/Counties" and are validated
 * against the country unless free-form states are allowed (netsuite.md §7; help section_N3796175, chapter_N3784994).
 * Oracle also says subrecords may convert free text to abbreviations; refusing is the stricter reading, on purpose.
 */
export function readAddress(value: unknown, path: string): Json {
  const address = asObject(value);
  if (!address) throw new Rejected(invalidFieldValue(value, path.split('.').pop() ?? path, path));
  const country = get(address, 'country');
  let code: unknown;
  if (present(country)) {
    code = typeof country === 'string' ? country : get(asObject(country) ?? {}, 'id');
    if (typeof code !== 'string' || !/^[A-Z]{2}$/.test(code)) throw new Rejected(invalidFieldValue(country, 'country', `${path}.country`));
  }
  const state = get(address, 'state');
  const shortNames = typeof code === 'string' ? STATE_SHORT_NAMES[code] : undefined;
  if (shortNames && present(state) && state !== '' && (typeof state !== 'string' || !shortNames.has(state))) {
    throw new Rejected(invalidFieldValue(state, 'state', `${path}.state`));
  }
  return structuredClone(address);
}

const STATE_SHORT_NAMES: Record<string, ReadonlySet<string>> = {
  US: new Set(
    'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP AA AE AP'.split(
      ' ',
    ),
  ),
  CA: new Set('AB BC MB NB NL NT NS NU ON PE QC SK YT'.split(' ')),
};

/** Custom fields (custbody_*, custcol_*, custentity_*) are kept as sent. */
export function customFields(source: Json, prefix: string): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) if (key.toLowerCase().startsWith(prefix)) out[key] = structuredClone(value);
  return out;
}
