/** Builds a sales order from a request body, enforcing the rules NetSuite applies on create and update. */
import {
  asObject,
  customFields,
  get,
  missing,
  optListRef,
  optBoolean,
  optNumber,
  optRef,
  optString,
  readAddress,
  Rejected,
  sublistItems,
} from './body-fields.ts';
import { invalidFieldValue, nsError, userError } from './errors.ts';
import { isoNow, type RecordStore } from './record-store.ts';
import { SALES_ORDER_STATUS, salesOrderStatus } from './order-status.ts';
import { cents, type CustomerRecord, type Json, type SalesOrderLine, type SalesOrderRecord, type ShipGroup } from './records.ts';

export function buildSalesOrder(input: Json, body: unknown, store: RecordStore, existing?: SalesOrderRecord): SalesOrderRecord {
  const { lists } = store;
  // Copied before the line numbers are written into the input's lines (which may share objects with the body).
  const sent = structuredClone(body);
  const externalId = optString(input, 'externalId');
  const otherRefNum = optString(input, 'otherRefNum');
  const memo = optString(input, 'memo');
  const tranDate = readDate(input, 'tranDate') ?? existing?.tranDate ?? isoNow(store.clock).slice(0, 10);
  const givenShippingCost = optNumber(input, 'shippingCost');
  if (givenShippingCost !== undefined && givenShippingCost < 0) throw new Rejected(invalidFieldValue(givenShippingCost, 'shippingcost', 'shippingCost'));
  const discountRate = readDiscountRate(input);
  // Ship Via is a ship item. Without a shipping cost NetSuite charges the ship item's own rate; with one, the cost stays.
  const shipMethod = optRef(input, 'shipMethod') ?? existing?.shipMethod;
  const shipItem = shipMethod === undefined ? undefined : store.items.get(shipMethod);
  if (shipMethod !== undefined && (!shipItem || shipItem.isInactive || shipItem.itemType !== 'ShipItem')) {
    throw new Rejected(invalidFieldValue(shipMethod, 'shipmethod', 'shipMethod'));
  }
  const shippingCost = givenShippingCost ?? existing?.shippingCost ?? (shipItem ? (shipItem.basePrice ?? 0) : undefined);
  const orderStatus = optRef(input, 'orderStatus') ?? existing?.orderStatus ?? 'B';
  if (orderStatus !== 'A' && orderStatus !== 'B') throw new Rejected(invalidFieldValue(orderStatus, 'orderstatus', 'orderStatus'));

  const entity = optRef(input, 'entity');
  if (entity === undefined) throw missing('Customer');
  const customer = store.customers.get(entity);
  if (!customer || customer.isInactive) throw new Rejected(invalidFieldValue(entity, 'entity', 'entity'));

  // The transaction currency defaults to the customer's primary one; another must be on the customer's currency
  // list. The refusal's wording is SOAP's ("Invalid currency reference key N for entity M", public error catalogues);
  // the REST code is modelled as INVALID_KEY_OR_REF (netsuite.md §19 lists it as unconfirmed).
  const currency = optRef(input, 'currency') ?? existing?.currency ?? customer.currency;
  if (!store.currencies.has(currency)) throw new Rejected(invalidFieldValue(currency, 'currency', 'currency'));
  if (!customer.currencies.includes(currency)) {
    throw new Rejected(
      nsError(400, 'INVALID_KEY_OR_REF', `Invalid currency reference key ${currency} for entity ${customer.id}.`, { 'o:errorPath': 'currency' }),
    );
  }

  let subsidiary = optListRef(input, 'subsidiary', lists.subsidiaries);
  if (store.oneWorld) {
    // A transaction books to one of its customer's subsidiaries, the primary or a secondary one (Oracle: "you can
    // also associate transactions with any secondary subsidiary assigned to the customer").
    if (subsidiary !== undefined && !customer.subsidiaries.includes(subsidiary)) throw new Rejected(invalidFieldValue(subsidiary, 'subsidiary', 'subsidiary'));
    subsidiary ??= customer.subsidiary;
  }
  const location = optListRef(input, 'location', lists.locations);
  const department = optListRef(input, 'department', lists.departments);
  const klass = optListRef(input, 'class', lists.classes);

  const discountItem = optRef(input, 'discountItem');
  if (discountItem !== undefined) {
    const item = store.items.get(discountItem);
    if (!item || item.isInactive || item.itemType !== 'Discount') throw new Rejected(invalidFieldValue(discountItem, 'discountitem', 'discountItem'));
  }

  // Multiple Shipping Routes: each line ships to an address of the customer's address book, by a ship item of its
  // own; NetSuite groups the lines by (ship-to, ship item) and rates each group. Oracle (SOAP MSR, section_N3702654):
  // "References the internal ID of the customer's shipping address"; "You cannot update items and shipping rates at
  // the same time on transactions that have multiple shipping routes enabled".
  const isMultiShipTo = optBoolean(input, 'isMultiShipTo') ?? false;
  if (isMultiShipTo) {
    // (Without the feature the field does not exist: property validation drops it, or refuses it, before here.)
    const given = asObject(body) ?? {};
    if (get(given, 'shipGroup') !== undefined && get(given, 'item') !== undefined) {
      throw new Rejected(userError('You cannot update items and shipping rates at the same time on transactions that have multiple shipping routes enabled.'));
    }
    for (const header of ['shippingCost', 'shipMethod', 'shippingAddress']) {
      if (get(given, header) !== undefined)
        throw new Rejected(userError(`${header} is set per ship group on transactions that have multiple shipping routes enabled.`));
    }
  }

  const shippingAddress = isMultiShipTo
    ? undefined
    : (readSubrecordAddress(input, 'shippingAddress') ?? existing?.shippingAddress ?? defaultAddress(customer, 'defaultShipping'));
  const billingAddress = readSubrecordAddress(input, 'billingAddress') ?? existing?.billingAddress ?? defaultAddress(customer, 'defaultBilling');
  // Tax follows the destination: the ship-to state, or the billing one for an order that ships nowhere.
  const taxState = stateOf(get(input, 'shippingAddress') === undefined && !existing?.shippingAddress ? billingAddress : shippingAddress);
  const stateCode = taxState === undefined ? undefined : store.tax.byState.get(taxState);
  const lines = readLines(input, store, stateCode, isMultiShipTo ? customer : undefined, existing);
  if (existing) checkLineChanges(existing, lines);
  const shipGroups = isMultiShipTo ? readShipGroups(input, store, customer, lines) : [];

  if (externalId !== undefined) {
    const holder = store.salesOrders.byExternalId(externalId);
    if (holder && holder.id !== existing?.id) throw new Rejected(userError('This record already exists.'));
  }

  const subtotal = cents(lines.reduce((sum, line) => sum + line.amount, 0));
  const discountTotal = discountItem === undefined ? 0 : discountAmount(discountRate ?? store.items.get(discountItem)?.basePrice ?? 0, subtotal);
  // NetSuite taxes what it is given: each line's amount at its code's rate (a tax-inclusive rate is taxed again),
  // shipping at the shipping tax code's. The discount item is applied after tax, as BigCommerce's discounts are.
  // The header's shippingTaxCode (REST API Browser 2026.1, salesOrder) overrides the account's shipping tax code.
  const shippingTaxCode = optRef(input, 'shippingTaxCode') ?? existing?.shippingTaxCode ?? store.tax.shippingCode ?? stateCode ?? store.tax.defaultCode;
  if (!store.tax.codes.has(shippingTaxCode)) throw new Rejected(invalidFieldValue(shippingTaxCode, 'shippingtaxcode', 'shippingTaxCode'));
  const shippingTax = isMultiShipTo
    ? cents(shipGroups.reduce((sum, group) => sum + group.shippingTax, 0))
    : cents((shippingCost ?? 0) * store.tax.codes.get(shippingTaxCode)!.rate);
  const shipping = isMultiShipTo ? cents(shipGroups.reduce((sum, group) => sum + group.shippingRate, 0)) : shippingCost;
  const taxTotal = cents(lines.reduce((sum, line) => sum + line.taxAmount, 0) + shippingTax);
  const total = cents(subtotal + discountTotal + (shipping ?? 0) + taxTotal);
  const now = isoNow(store.clock);
  return {
    id: existing?.id ?? store.nextId(),
    tranId: existing?.tranId ?? store.nextTranId(),
    externalId,
    entity,
    otherRefNum,
    tranDate,
    memo,
    shippingCost: shipping,
    shippingTaxCode,
    shipMethod: isMultiShipTo ? undefined : shipMethod,
    isMultiShipTo,
    shipGroups,
    discountItem,
    discountRate,
    currency,
    location,
    subsidiary,
    department,
    class: klass,
    shippingAddress,
    billingAddress,
    lines,
    subtotal,
    discountTotal,
    taxTotal,
    total,
    orderStatus,
    lastLine: Math.max(existing?.lastLine ?? 0, ...lines.map((line) => line.line)),
    customFields: customFields(input, 'custbody'),
    createdDate: existing?.createdDate ?? now,
    lastModifiedDate: now,
    input,
    body: sent,
  };
}

/** Item types that cannot be a sales order's item line (shipping is the header's, tax items are legacy tax's). */
const NOT_SALES_LINES = new Set(['ShipItem', 'TaxItem', 'TaxGroup', 'EndGroup', 'Expense', 'SubscriPlan']);

function stateOf(address: Json | undefined): string | undefined {
  const state = address === undefined ? undefined : get(address, 'state');
  return typeof state === 'string' && state !== '' ? state : undefined;
}

/** The customer's address book entry a line names (its id is the entry's position, as the simulator numbers them). */
function addressBookEntry(customer: CustomerRecord, id: string | undefined): Json | undefined {
  const index = Number(id) - 1;
  return Number.isInteger(index) && index >= 0 ? customer.addressBook[index]?.addressBookAddress : undefined;
}

/** Groups the lines by (ship-to, ship item); each group's rate is the one set on it, else the ship item's. */
function readShipGroups(input: Json, store: RecordStore, customer: CustomerRecord, lines: SalesOrderLine[]): ShipGroup[] {
  const given = new Map(
    (sublistItems(input, 'shipGroup') ?? []).map((entry, index) => {
      const path = `shipGroup.items[${index}]`;
      const id = get(entry, 'id');
      if (typeof id !== 'number' && typeof id !== 'string') throw new Rejected(invalidFieldValue(id, 'id', `${path}.id`));
      const rate = optNumber(entry, 'shippingRate', `${path}.shippingRate`);
      if (rate !== undefined && rate < 0) throw new Rejected(invalidFieldValue(rate, 'shippingrate', `${path}.shippingRate`));
      return [Number(id), { rate, taxCode: optRef(entry, 'shippingTaxCode', `${path}.shippingTaxCode`) }] as const;
    }),
  );
  const groups: ShipGroup[] = [];
  for (const line of lines) {
    let group = groups.find((candidate) => candidate.shipAddress === line.shipAddress && candidate.shipMethod === line.shipMethod);
    if (!group) {
      const id = groups.length + 1;
      const state = stateOf(addressBookEntry(customer, line.shipAddress));
      const override = given.get(id);
      const shippingTaxCode =
        override?.taxCode ?? store.tax.shippingCode ?? (state === undefined ? undefined : store.tax.byState.get(state)) ?? store.tax.defaultCode;
      if (!store.tax.codes.has(shippingTaxCode))
        throw new Rejected(invalidFieldValue(shippingTaxCode, 'shippingtaxcode', `shipGroup.items[${id - 1}].shippingTaxCode`));
      const shippingRate = cents(override?.rate ?? store.items.get(line.shipMethod!)?.basePrice ?? 0);
      group = {
        id,
        shipAddress: line.shipAddress!,
        shipMethod: line.shipMethod!,
        shippingRate,
        shippingTaxCode,
        shippingTax: cents(shippingRate * store.tax.codes.get(shippingTaxCode)!.rate),
      };
      groups.push(group);
    }
    line.shipGroup = group.id;
  }
  for (const id of given.keys()) if (!groups.some((group) => group.id === id)) throw new Rejected(invalidFieldValue(id, 'id', 'shipGroup.items.id'));
  return groups;
}

function readLines(
  input: Json,
  store: RecordStore,
  stateCode: string | undefined,
  multiShipCustomer: CustomerRecord | undefined,
  existing: SalesOrderRecord | undefined,
): SalesOrderLine[] {
  const entries = sublistItems(input, 'item');
  if (!entries || entries.length === 0) throw new Rejected(userError('You must enter at least one line item for this transaction.'));
  // Line numbers are NetSuite's: kept across updates, never reused, not necessarily sequential (lifecycle.md §1.6).
  let lastLine = existing?.lastLine ?? 0;
  return entries.map((entry, index) => {
    const path = `item.items[${index}]`;
    const given = optNumber(entry, 'line', `${path}.line`);
    const previous = given === undefined ? undefined : existing?.lines.find((line) => line.line === given);
    if (given !== undefined && !previous) throw new Rejected(invalidFieldValue(given, 'line', `${path}.line`));
    const lineNumber = previous?.line ?? ++lastLine;
    // The stored input keeps the number, so the next PATCH can key on it.
    entry.line = lineNumber;
    return {
      ...readLine(entry, index, store, stateCode, multiShipCustomer),
      line: lineNumber,
      isClosed: optBoolean(entry, 'isClosed', `${path}.isClosed`) ?? false,
    };
  });
}

function readLine(
  entry: Json,
  index: number,
  store: RecordStore,
  stateCode: string | undefined,
  multiShipCustomer: CustomerRecord | undefined,
): Omit<SalesOrderLine, 'line' | 'isClosed'> {
  const path = `item.items[${index}]`;
  const itemId = optRef(entry, 'item', `${path}.item`);
  if (itemId === undefined) throw missing('Item');
  const item = store.items.get(itemId);
  // Inactive items, matrix parents (only their children carry stock), purchase-only items and items that are no
  // sales line (ship and tax items) are refused like an unknown id (Oracle's example for a bad item reference).
  if (!item || item.isInactive || item.matrixType === 'PARENT' || item.subtype === 'Purchase' || NOT_SALES_LINES.has(item.itemType)) {
    throw new Rejected(invalidFieldValue(itemId, 'item', `${path}.item`));
  }
  const quantity = optNumber(entry, 'quantity', `${path}.quantity`);
  if (quantity === undefined) throw missing('Quantity');
  if (quantity <= 0) throw new Rejected(invalidFieldValue(quantity, 'quantity', `${path}.quantity`));
  const givenRate = optNumber(entry, 'rate', `${path}.rate`);
  const givenAmount = optNumber(entry, 'amount', `${path}.amount`);
  // NetSuite derives whichever of rate and amount is missing; with neither it uses the item's price.
  const rate = givenRate ?? (givenAmount !== undefined ? givenAmount / quantity : (item.basePrice ?? 0));
  const amount = cents(givenAmount ?? rate * quantity);
  let shipTo: { shipAddress: string; shipMethod: string; stateCode: string | undefined } | undefined;
  if (multiShipCustomer) {
    const shipAddress = optRef(entry, 'shipAddress', `${path}.shipAddress`);
    const shipMethod = optRef(entry, 'shipMethod', `${path}.shipMethod`);
    if (shipAddress === undefined) throw missing('Ship To');
    if (shipMethod === undefined) throw missing('Ship Via');
    const address = addressBookEntry(multiShipCustomer, shipAddress);
    if (!address) throw new Rejected(invalidFieldValue(shipAddress, 'shipaddress', `${path}.shipAddress`));
    const shipItem = store.items.get(shipMethod);
    if (!shipItem || shipItem.isInactive || shipItem.itemType !== 'ShipItem')
      throw new Rejected(invalidFieldValue(shipMethod, 'shipmethod', `${path}.shipMethod`));
    const state = stateOf(address);
    shipTo = { shipAddress, shipMethod, stateCode: state === undefined ? undefined : store.tax.byState.get(state) };
  }
  const taxCode = optRef(entry, 'taxCode', `${path}.taxCode`) ?? item.taxCode ?? (shipTo ? shipTo.stateCode : stateCode) ?? store.tax.defaultCode;
  const code = store.tax.codes.get(taxCode);
  if (!code) throw new Rejected(invalidFieldValue(taxCode, 'taxcode', `${path}.taxCode`));
  return {
    taxCode,
    taxAmount: cents(amount * code.rate),
    ...(shipTo ? { shipAddress: shipTo.shipAddress, shipMethod: shipTo.shipMethod } : {}),
    quantityFulfilled: 0,
    quantityBilled: 0,
    item: itemId,
    quantity,
    rate,
    amount,
    description: optString(entry, 'description', `${path}.description`),
    price: optRef(entry, 'price', `${path}.price`),
    location: optListRef(entry, 'location', store.lists.locations, `${path}.location`),
    department: optListRef(entry, 'department', store.lists.departments, `${path}.department`),
    class: optListRef(entry, 'class', store.lists.classes, `${path}.class`),
    customFields: customFields(entry, 'custcol'),
  };
}

/**
 * What NetSuite refuses on an update of an order's lines (lifecycle.md §2.2, §3.2). That it refuses is its
 * documented behaviour in the UI; the error texts are UNCONFIRMED (lifecycle.md §10 #10), all 400 USER_ERROR.
 */
function checkLineChanges(existing: SalesOrderRecord, lines: SalesOrderLine[]): void {
  const status = salesOrderStatus(existing);
  const same = (a: SalesOrderLine, b: SalesOrderLine) =>
    a.item === b.item &&
    a.quantity === b.quantity &&
    a.rate === b.rate &&
    a.amount === b.amount &&
    JSON.stringify(a.customFields) === JSON.stringify(b.customFields);
  const changed =
    lines.length !== existing.lines.length ||
    lines.some((line) => {
      const previous = existing.lines.find((candidate) => candidate.line === line.line);
      // Re-opening a closed line is the one change a closed order takes.
      return !previous || !same(previous, line) || (line.isClosed && !previous.isClosed);
    });
  if ((status === 'G' || status === 'H') && changed) {
    throw new Rejected(userError(`You cannot change the items of a sales order that is ${SALES_ORDER_STATUS[status]}.`));
  }
  for (const previous of existing.lines) {
    const line = lines.find((candidate) => candidate.line === previous.line);
    if (!line) {
      if (previous.quantityFulfilled > 0 || previous.quantityBilled > 0)
        throw new Rejected(userError(`You cannot remove line ${previous.line}: it has been fulfilled or billed.`));
      continue;
    }
    const floor = Math.max(previous.quantityFulfilled, previous.quantityBilled);
    if (line.quantity < floor) {
      const what = previous.quantityBilled >= previous.quantityFulfilled ? 'billed' : 'fulfilled';
      throw new Rejected(userError(`You cannot reduce the quantity of line ${line.line} below the quantity already ${what} (${floor}).`));
    }
    // A quantity change moves the amount at the same rate; anything else is a price change.
    const repriced = line.rate !== previous.rate || (line.quantity === previous.quantity && line.amount !== previous.amount);
    if (previous.quantityBilled > 0 && repriced)
      throw new Rejected(userError(`You cannot change the rate or amount of line ${line.line}: it has been billed.`));
    if (line.isClosed && !previous.isClosed && previous.quantityBilled >= previous.quantity)
      throw new Rejected(userError(`You cannot close line ${line.line}: it has been billed in full.`));
  }
}

/** `tranDate` is a date field: `YYYY-MM-DD` (single-digit parts and an ISO datetime are accepted too). */
function readDate(input: Json, name: string): string | undefined {
  const value = optString(input, name);
  if (value === undefined) return undefined;
  const parts = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  const [year, month, day] = [Number(parts?.[1]), Number(parts?.[2]), Number(parts?.[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (!parts || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new Rejected(invalidFieldValue(value, name.toLowerCase(), name));
  }
  return date.toISOString().slice(0, 10);
}

/** A number is an amount (NetSuite discounts are negative); a string like "-10%" is a percentage. */
function readDiscountRate(input: Json): number | string | undefined {
  const value = get(input, 'discountRate');
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?%?$/.test(value.trim())) return value.trim();
  throw new Rejected(invalidFieldValue(value, 'discountrate', 'discountRate'));
}

function discountAmount(rate: number | string, subtotal: number): number {
  if (typeof rate === 'number') return cents(rate);
  return rate.endsWith('%') ? cents((subtotal * Number(rate.slice(0, -1))) / 100) : cents(Number(rate));
}

function readSubrecordAddress(input: Json, name: string): Json | undefined {
  const value = get(input, name);
  return value === undefined || value === null ? undefined : readAddress(value, name);
}

/** Without an address on the order, NetSuite copies the customer's default one. */
function defaultAddress(customer: CustomerRecord, flag: 'defaultShipping' | 'defaultBilling'): Json | undefined {
  const entry = customer.addressBook.find((candidate) => candidate[flag]);
  return entry ? structuredClone(entry.addressBookAddress) : undefined;
}
