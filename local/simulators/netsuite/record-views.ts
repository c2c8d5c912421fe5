/**
 * GET representations (`type=singular`): HATEOAS `links`, references as `{ id, refName, links }`, and sublists
 * and address subrecords as bare links unless `expandSubResources=true`. Null fields are left out.
 */
import { PACKAGE_SUBLISTS } from './lifecycle-records.ts';
import { SALES_ORDER_STATUS, salesOrderStatus } from './order-status.ts';
import type { RecordStore } from './record-store.ts';
import { customerName, LIFECYCLE_TYPES, type CustomerRecord, type ItemRecord, type Json, type LifecycleRecord, type SalesOrderRecord } from './records.ts';
import { statusName } from './suiteql-database.ts';

/** REST record type of each SuiteQL item type. */
export const ITEM_RECORD_TYPES: Record<string, string> = {
  InvtPart: 'inventoryItem',
  NonInvtPart: 'nonInventorySaleItem',
  Service: 'serviceSaleItem',
  Discount: 'discountItem',
  OthCharge: 'otherChargeSaleItem',
  Kit: 'kitItem',
  Assembly: 'assemblyItem',
  Markup: 'markupItem',
  GiftCert: 'giftCertificateItem',
};

const ORDER_STATUS = { A: 'Pending Approval', B: 'Pending Fulfillment' } as const;
/** Lifecycle record types whose customer field is `customer`, not `entity` (Records Browser customerDeposit). */
const CUSTOMER_FIELD = new Set(['customerDeposit']);

type Link = { rel: string; href: string };
const self = (href: string): Link[] => [{ rel: 'self', href }];

function ref(base: string, type: string, id: string | undefined, refName: string): Json | undefined {
  return id === undefined ? undefined : { links: self(`${base}/${type}/${id}`), id, refName };
}

function listRef(base: string, type: string, id: string | undefined, label: string): Json | undefined {
  return ref(base, type, id, `${label} ${id}`);
}

function itemRef(base: string, store: RecordStore, id: string): Json | undefined {
  const item = store.items.get(id);
  return ref(base, ITEM_RECORD_TYPES[item?.itemType ?? ''] ?? 'inventoryItem', id, item?.itemId ?? id);
}

function collection(href: string, items: Json[]): Json {
  return { links: self(href), count: items.length, hasMore: false, items, offset: 0, totalResults: items.length };
}

function subrecord(href: string, fields: Json | undefined, expand: boolean): Json | undefined {
  if (fields === undefined) return undefined;
  return expand ? { links: self(href), ...fields } : { links: self(href) };
}

export function salesOrderView(order: SalesOrderRecord, store: RecordStore, base: string, expand: boolean): Json {
  const href = `${base}/salesOrder/${order.id}`;
  const customer = store.customers.get(order.entity);
  const lines = order.lines.map((line) => ({
    links: self(`${href}/item/${line.line}`),
    amount: line.amount,
    class: listRef(base, 'classification', line.class, 'Class'),
    department: listRef(base, 'department', line.department, 'Department'),
    description: line.description,
    item: itemRef(base, store, line.item),
    line: line.line,
    location: listRef(base, 'location', line.location, 'Location'),
    price: line.price === undefined ? undefined : { id: line.price, refName: line.price === '-1' ? 'Custom' : `Price Level ${line.price}` },
    quantity: line.quantity,
    rate: line.rate,
    taxCode: { id: line.taxCode, refName: store.tax.codes.get(line.taxCode)?.name ?? line.taxCode },
    ...(line.shipAddress === undefined ? {} : { shipAddress: { id: line.shipAddress, refName: `Address ${line.shipAddress}` } }),
    ...(line.shipMethod === undefined ? {} : { shipMethod: itemRef(base, store, line.shipMethod) }),
    ...(line.shipGroup === undefined ? {} : { shipGroup: line.shipGroup }),
    tax1Amt: line.taxAmount,
    // Progress fields of salesOrder-itemElement (lifecycle.md §1.6, Records Browser salesOrder).
    isClosed: line.isClosed,
    isOpen: !line.isClosed && line.quantityBilled < line.quantity,
    quantityFulfilled: line.quantityFulfilled,
    quantityBilled: line.quantityBilled,
    itemIsFulfilled: line.quantityFulfilled >= line.quantity,
    ...line.customFields,
  }));
  const status = salesOrderStatus(order);
  return {
    links: self(href),
    billingAddress: subrecord(`${href}/billingAddress`, order.billingAddress, expand),
    class: listRef(base, 'classification', order.class, 'Class'),
    createdDate: order.createdDate,
    currency: { links: self(`${base}/currency/${order.currency}`), id: order.currency, refName: store.currencies.get(order.currency)?.name ?? order.currency },
    department: listRef(base, 'department', order.department, 'Department'),
    discountItem: order.discountItem === undefined ? undefined : itemRef(base, store, order.discountItem),
    discountRate: order.discountRate,
    discountTotal: order.discountTotal,
    entity: ref(base, 'customer', order.entity, customer ? customerName(customer) : order.entity),
    externalId: order.externalId,
    id: order.id,
    item: expand ? collection(`${href}/item`, lines) : { links: self(`${href}/item`) },
    lastModifiedDate: order.lastModifiedDate,
    location: listRef(base, 'location', order.location, 'Location'),
    memo: order.memo,
    isMultiShipTo: order.isMultiShipTo,
    ...(order.isMultiShipTo
      ? {
          shipGroup: expand
            ? collection(
                `${href}/shipGroup`,
                order.shipGroups.map((group) => ({
                  links: self(`${href}/shipGroup/${group.id}`),
                  id: group.id,
                  shippingMethodId: itemRef(base, store, group.shipMethod),
                  shippingRate: group.shippingRate,
                  shippingTaxCode: { id: group.shippingTaxCode, refName: store.tax.codes.get(group.shippingTaxCode)?.name ?? group.shippingTaxCode },
                  shippingTaxAmount: group.shippingTax,
                })),
              )
            : { links: self(`${href}/shipGroup`) },
        }
      : {}),
    orderStatus: { id: order.orderStatus, refName: ORDER_STATUS[order.orderStatus] },
    otherRefNum: order.otherRefNum,
    shipMethod: order.shipMethod === undefined ? undefined : { id: order.shipMethod, refName: `Ship Method ${order.shipMethod}` },
    shippingAddress: subrecord(`${href}/shippingAddress`, order.shippingAddress, expand),
    shippingCost: order.shippingCost,
    status: { id: status, refName: SALES_ORDER_STATUS[status] },
    subsidiary: listRef(base, 'subsidiary', order.subsidiary, 'Subsidiary'),
    subtotal: order.subtotal,
    taxTotal: order.taxTotal,
    total: order.total,
    tranDate: order.tranDate,
    tranId: order.tranId,
    ...order.customFields,
  };
}

export function customerView(customer: CustomerRecord, base: string, expand: boolean): Json {
  const href = `${base}/customer/${customer.id}`;
  const addresses = customer.addressBook.map((entry, index) => ({
    links: self(`${href}/addressBook/${index + 1}`),
    addressBookAddress: subrecord(`${href}/addressBook/${index + 1}/addressBookAddress`, entry.addressBookAddress, expand),
    defaultBilling: entry.defaultBilling ?? false,
    defaultShipping: entry.defaultShipping ?? false,
    id: index + 1,
    isResidential: entry.isResidential ?? false,
    label: entry.label,
  }));
  return {
    links: self(href),
    addressBook: expand ? collection(`${href}/addressBook`, addresses) : { links: self(`${href}/addressBook`) },
    companyName: customer.companyName,
    currency: { links: self(`${base}/currency/${customer.currency}`), id: customer.currency, refName: customer.currency },
    dateCreated: customer.dateCreated,
    email: customer.email,
    entityId: customer.entityId,
    externalId: customer.externalId,
    firstName: customer.firstName,
    id: customer.id,
    isInactive: customer.isInactive,
    isPerson: customer.isPerson,
    lastModifiedDate: customer.lastModifiedDate,
    lastName: customer.lastName,
    phone: customer.phone,
    subsidiary: listRef(base, 'subsidiary', customer.subsidiary, 'Subsidiary'),
    ...customer.customFields,
  };
}

export function itemView(item: ItemRecord, base: string): Json {
  const type = ITEM_RECORD_TYPES[item.itemType] ?? 'inventoryItem';
  return {
    links: self(`${base}/${type}/${item.id}`),
    displayName: item.displayName,
    externalId: item.externalId,
    id: item.id,
    isInactive: item.isInactive,
    itemId: item.itemId,
    itemType: { id: item.itemType, refName: item.itemType },
    upcCode: item.upcCode,
  };
}

/** The type a transaction id belongs to, for `createdFrom` references. */
function transactionType(store: RecordStore, id: string): string {
  if (store.salesOrders.get(id)) return 'salesOrder';
  return Object.entries(store.lifecycle).find(([, table]) => table.get(id))?.[0] ?? 'transaction';
}

/** Item fulfilments, bills, credits, refunds and deposits (Records Browser schemas; lifecycle.md §4.2, §5.1, §6.2). */
export function lifecycleView(record: LifecycleRecord, store: RecordStore, base: string, expand: boolean): Json {
  const href = `${base}/${record.type}/${record.id}`;
  const customer = store.customers.get(record.entity);
  const sourceType = record.createdFrom === undefined ? undefined : transactionType(store, record.createdFrom);
  const source =
    record.createdFrom === undefined
      ? undefined
      : (store.salesOrders.get(record.createdFrom) ?? store.lifecycle[sourceType as keyof typeof LIFECYCLE_TYPES]?.get(record.createdFrom));
  const lines = record.lines.map((line) => ({
    links: self(`${href}/item/${line.line}`),
    line: line.line,
    ...(line.orderLine === undefined ? {} : { orderLine: line.orderLine }),
    item: itemRef(base, store, line.item),
    quantity: line.quantity,
    ...(record.type === 'itemFulfillment' ? { itemReceive: line.itemReceive !== false } : { rate: line.rate, amount: line.amount, tax1Amt: line.taxAmount }),
  }));
  const sublist = (name: string, items: Json[]) =>
    expand
      ? collection(
          `${href}/${name}`,
          items.map((entry, index) => ({ links: self(`${href}/${name}/${index + 1}`), ...entry })),
        )
      : { links: self(`${href}/${name}`) };
  const isFulfilment = record.type === 'itemFulfillment';
  return {
    links: self(href),
    id: record.id,
    tranId: record.tranId,
    externalId: record.externalId,
    [CUSTOMER_FIELD.has(record.type) ? 'customer' : 'entity']: ref(base, 'customer', record.entity, customer ? customerName(customer) : record.entity),
    createdFrom: record.createdFrom === undefined ? undefined : ref(base, sourceType!, record.createdFrom, source?.tranId ?? record.createdFrom),
    ...(record.salesOrder === undefined
      ? {}
      : { salesOrder: ref(base, 'salesOrder', record.salesOrder, store.salesOrders.get(record.salesOrder)?.tranId ?? record.salesOrder) }),
    tranDate: record.tranDate,
    memo: record.memo,
    currency: {
      links: self(`${base}/currency/${record.currency}`),
      id: record.currency,
      refName: store.currencies.get(record.currency)?.name ?? record.currency,
    },
    status: { id: record.status, refName: statusName(LIFECYCLE_TYPES[record.type], record.status) },
    createdDate: record.createdDate,
    lastModifiedDate: record.lastModifiedDate,
    ...record.customFields,
    ...(isFulfilment
      ? {
          shipStatus: { id: record.shipStatus, refName: statusName('ItemShip', record.shipStatus ?? 'C') },
          shipMethod: record.shipMethod === undefined ? undefined : itemRef(base, store, record.shipMethod),
          ...Object.fromEntries(Object.keys(PACKAGE_SUBLISTS).map((name) => [name, sublist(name, record.packages[name] ?? [])])),
        }
      : { total: record.total, taxTotal: record.taxTotal, shippingCost: record.shippingCost }),
    ...(record.type === 'customerDeposit'
      ? {
          payment: record.payment,
          undepFunds: record.undepFunds,
          account: record.account === undefined ? undefined : { id: record.account, refName: `Account ${record.account}` },
        }
      : {}),
    ...(record.lines.length > 0 || (record.type !== 'customerDeposit' && record.type !== 'customerRefund')
      ? { item: expand ? collection(`${href}/item`, lines) : { links: self(`${href}/item`) } }
      : {}),
    ...(record.apply.length > 0
      ? {
          [record.type === 'customerRefund' && sourceType === 'customerDeposit' ? 'deposit' : 'apply']: sublist(
            'apply',
            record.apply.map((entry) => ({ doc: { id: entry.doc }, apply: true, amount: entry.amount })),
          ),
        }
      : {}),
  };
}
