/**
 * Which body properties a record type has in this account, and what happens to the others. Oracle (help,
 * section_156570709583): `X-NetSuite-PropertyNameValidation` takes `error`, `warning` or `ignore` and defaults to
 * `warning`; warnings come back in a response header (`X-NetSuite-PropertyValidation`, per the generated record v1
 * client), and the request otherwise succeeds with the unknown property dropped. A field whose feature is off (a
 * line's `price` without Multiple Prices, `class` without Classes) does not exist, so it is unknown too: without the
 * header it vanishes behind a 204. The error body for `error` is not documented anywhere we found: modelled as 400
 * INVALID_CONTENT naming the property, with `o:errorPath` (UNCONFIRMED; see README.md).
 */
import type { SimRequest, SimResponse } from '../sim-http.ts';
import { asObject, Rejected } from './body-fields.ts';
import { nsError } from './errors.ts';
import type { Json } from './records.ts';

/** Features an account can have off; every field that needs one is unknown without it. */
export interface AccountFeatures {
  multiplePrices: boolean;
  classes: boolean;
  departments: boolean;
  locations: boolean;
  multipleCurrencies: boolean;
  oneWorld: boolean;
  multiShipRoutes: boolean;
}

type Needs = keyof AccountFeatures | null;

const SALES_ORDER: Record<string, Needs> = {
  entity: null,
  externalid: null,
  otherrefnum: null,
  trandate: null,
  memo: null,
  item: null,
  shippingcost: null,
  shipmethod: null,
  shippingtaxcode: null,
  discountitem: null,
  discountrate: null,
  orderstatus: null,
  // The order's payment method (RB salesOrder); kept only for the deposit rule of lifecycle.md §6.2.
  paymentmethod: null,
  shippingaddress: null,
  billingaddress: null,
  currency: 'multipleCurrencies',
  subsidiary: 'oneWorld',
  location: 'locations',
  department: 'departments',
  class: 'classes',
  ismultishipto: 'multiShipRoutes',
  shipgroup: 'multiShipRoutes',
};
const SALES_ORDER_LINE: Record<string, Needs> = {
  line: null,
  isclosed: null,
  item: null,
  quantity: null,
  rate: null,
  amount: null,
  description: null,
  taxcode: null,
  price: 'multiplePrices',
  location: 'locations',
  department: 'departments',
  class: 'classes',
  shipaddress: 'multiShipRoutes',
  shipmethod: 'multiShipRoutes',
};
const CUSTOMER: Record<string, Needs> = {
  entityid: null,
  autoname: null,
  companyname: null,
  firstname: null,
  lastname: null,
  isperson: null,
  email: null,
  phone: null,
  externalid: null,
  isinactive: null,
  addressbook: null,
  category: null,
  subsidiary: 'oneWorld',
  currency: 'multipleCurrencies',
  currencylist: 'multipleCurrencies',
};
const FIELDS: Record<string, { body: Record<string, Needs>; lines?: { sublist: string; fields: Record<string, Needs> }; custom: string[] }> = {
  salesOrder: { body: SALES_ORDER, lines: { sublist: 'item', fields: SALES_ORDER_LINE }, custom: ['custbody'] },
  customer: { body: CUSTOMER, custom: ['custentity'] },
};
const LINE_CUSTOM = 'custcol';

/**
 * The account's custom transaction fields (Customization > Lists, Records & Fields), lower-cased. A custbody_ or
 * custcol_ name the account has not defined is as unknown as any misspelt property; custentity_ fields are not
 * checked (no flow writes one).
 */
export interface CustomFieldDefinitions {
  transactionBody: Set<string>;
  transactionColumn: Set<string>;
}

/** Paths of the properties this account's `type` does not have (e.g. `class`, `item.items[0].price`). */
export function unknownProperties(type: string, body: Json, features: AccountFeatures, customFields?: CustomFieldDefinitions): string[] {
  const spec = FIELDS[type];
  if (!spec) return [];
  const known = (fields: Record<string, Needs>, custom: string[], name: string) => {
    const key = name.toLowerCase();
    const prefix = custom.find((candidate) => key.startsWith(candidate));
    if (prefix === 'custbody' && customFields) return customFields.transactionBody.has(key);
    if (prefix === LINE_CUSTOM && customFields) return customFields.transactionColumn.has(key);
    if (prefix !== undefined) return true;
    if (!(key in fields)) return false;
    const needs = fields[key];
    return needs === null || needs === undefined || features[needs];
  };
  const unknown = Object.keys(body).filter((name) => !known(spec.body, spec.custom, name));
  if (spec.lines) {
    const sublist = Object.entries(body).find(([name]) => name.toLowerCase() === spec.lines!.sublist)?.[1];
    const lines = asObject(sublist)?.items;
    if (Array.isArray(lines)) {
      lines.forEach((line, index) => {
        for (const name of Object.keys(asObject(line) ?? {})) {
          if (!known(spec.lines!.fields, [LINE_CUSTOM], name)) unknown.push(`${spec.lines!.sublist}.items[${index}].${name}`);
        }
      });
    }
  }
  return unknown;
}

/**
 * Applies the request's property-name validation to `body`: with `error`, an unknown property fails the request;
 * otherwise the unknown properties are dropped (from a copy) and named in the warning header of the response.
 */
export function validatePropertyNames(
  req: SimRequest,
  type: string,
  body: Json,
  features: AccountFeatures,
  customFields?: CustomFieldDefinitions,
): { body: Json; warningHeaders: Record<string, string> } {
  const unknown = unknownProperties(type, body, features, customFields);
  if (unknown.length === 0) return { body, warningHeaders: {} };
  const mode = String(req.headers['x-netsuite-propertynamevalidation'] ?? 'warning').toLowerCase();
  if (mode === 'error') {
    const [first] = unknown;
    const name = first!.split('.').pop();
    throw new Rejected(
      nsError(
        400,
        'INVALID_CONTENT',
        `Error while accessing a resource. Invalid field name: ${name}. The field does not exist on record ${type}, or the feature it needs is disabled.`,
        { 'o:errorPath': first! },
      ),
    );
  }
  const kept = structuredClone(body);
  for (const path of unknown) drop(kept, path);
  const headers: Record<string, string> =
    mode === 'ignore' ? {} : { 'X-NetSuite-PropertyValidation': unknown.map((path) => `Property ${path} is not defined and was ignored`).join(', ') };
  return { body: kept, warningHeaders: headers };
}

function drop(body: Json, path: string): void {
  const line = /^(\w+)\.items\[(\d+)\]\.(\w+)$/.exec(path);
  if (!line) {
    delete body[path];
    return;
  }
  const sublist = Object.entries(body).find(([name]) => name.toLowerCase() === line[1]!.toLowerCase())?.[1];
  const entry = (asObject(sublist)?.items as Json[] | undefined)?.[Number(line[2])];
  if (entry) delete entry[line[3]!];
}

export function withHeaders(response: SimResponse, headers: Record<string, string>): SimResponse {
  return Object.keys(headers).length === 0 ? response : { ...response, headers: { ...response.headers, ...headers } };
}
