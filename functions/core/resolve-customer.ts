import { AlreadyExistsError, PermanentError } from './errors.ts';
import { customerExternalId, normalizeEmail } from './external-ids.ts';
import { COMPANY_MAX, fit, NAME_MAX, normalizePhone } from './customer-fields.ts';
import type { ErpAddress, ErpCustomer, NewCustomer, PostalAddress, StoreOrder } from './model.ts';
import type { CustomerCache, Erp } from './ports.ts';
import { regionCode } from './region-codes.ts';

export interface CustomerResolution {
  customerId: string;
  email: string;
  /** How we found it, for logs and the steady-state request budget; 'would_create' only in a dry run. */
  via: 'cache' | 'lookup' | 'created' | 'created_concurrently' | 'would_create';
  /** What could not be kept from the storefront's data (a phone NetSuite would refuse), for the log. */
  warnings: string[];
}

export interface CustomerSettings {
  subsidiaryId?: string;
  currencyId?: string;
  /**
   * The Customer ID NetSuite needs when Auto-Generated Numbers is off for customers: none (`auto`, numbering on),
   * the e-mail, or the name (a clash with another customer of the same name gets a numbered suffix).
   */
  entityIdMode?: 'auto' | 'email' | 'name';
  /** OneWorld: a shopper known only in other subsidiaries gets a customer of ours (`create`) or fails (`fail`). */
  otherSubsidiary?: 'create' | 'fail';
}

/** How many "Name 2", "Name 3"… a clash of names may try before it is a person's to sort out. */
const NAME_SUFFIXES = 9;

/**
 * Finds the shopper's NetSuite customer by normalised e-mail, or creates it from the billing address.
 * Guests (customer_id 0) resolve the same way: NetSuite knows shoppers by e-mail, not by storefront account.
 */
export async function resolveCustomer(
  order: StoreOrder,
  deps: { erp: Erp; customers: CustomerCache } & CustomerSettings,
  options: { dryRun?: boolean } = {},
): Promise<CustomerResolution> {
  const email = normalizeEmail(order.billing.email);
  if (!email) throw new PermanentError(`order ${order.orderId} has no billing e-mail, so no customer can be matched`, { source: 'order' });

  const cached = await deps.customers.get(email);
  if (cached) return { customerId: cached, email, via: 'cache', warnings: [] };

  const match = pickMatch(await deps.erp.findCustomersByEmail(email), email, deps);
  let resolution: CustomerResolution;
  if (match) {
    resolution = { customerId: match.id, email, via: 'lookup', warnings: [] };
  } else if (options.dryRun) {
    return { customerId: '', email, via: 'would_create', warnings: [] };
  } else {
    const warnings: string[] = [];
    resolution = await createCustomer(newCustomerFrom(order, email, deps, warnings), deps, email, warnings);
  }
  await deps.customers.put(email, resolution.customerId);
  return resolution;
}

/**
 * Several customers can share an e-mail; the oldest (lowest internal id) wins, every time. With a subsidiary
 * configured (OneWorld), only customers that subsidiary may sell to count: their primary subsidiary or one added.
 */
function pickMatch(matches: ErpCustomer[], email: string, deps: CustomerSettings): ErpCustomer | undefined {
  const oldestFirst = [...matches].sort((a, b) => Number(a.id) - Number(b.id));
  const subsidiary = deps.subsidiaryId;
  if (!subsidiary) return oldestFirst[0];
  const ours = oldestFirst.find((customer) => customer.subsidiaries === undefined || customer.subsidiaries.includes(subsidiary));
  if (ours || oldestFirst.length === 0) return ours;
  if (deps.otherSubsidiary === 'fail') {
    const other = oldestFirst[0]!;
    throw new PermanentError(
      `${email} is NetSuite customer ${other.id} in subsidiary ${other.subsidiaries?.join(', ')}, not in subsidiary ${subsidiary}: add subsidiary ${subsidiary} to that customer, or set NETSUITE_OTHER_SUBSIDIARY_CUSTOMER=create`,
      { source: 'netsuite' },
    );
  }
  return undefined; // create one of ours, in our subsidiary
}

async function createCustomer(customer: NewCustomer, deps: { erp: Erp } & CustomerSettings, email: string, warnings: string[]): Promise<CustomerResolution> {
  const base = customer.entityId;
  for (let attempt = 1; ; attempt++) {
    const entityId = base && attempt > 1 ? fit(`${base.slice(0, 80)} ${attempt}`, 83) : base;
    try {
      return { customerId: await deps.erp.createCustomer({ ...customer, ...(entityId ? { entityId } : {}) }), email, via: 'created', warnings };
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
      // "This entity already exists" says neither what is duplicated nor by whom: the record our externalId names
      // tells. Found, another order from the same new shopper created it a moment ago: converge on it.
      const existing = await deps.erp.findCustomerByExternalId(customer.externalId);
      if (existing) return { customerId: existing, email, via: 'created_concurrently', warnings };
      // Not ours: another customer holds this Customer ID (a namesake). Names get a numbered suffix.
      if (deps.entityIdMode === 'name' && attempt <= NAME_SUFFIXES) continue;
      throw new PermanentError(
        `NetSuite refused the new customer ${email}${entityId ? ` (Customer ID "${entityId}")` : ''}: ${error.message}. No customer holds our externalId ${customer.externalId}, so this duplicates something else: check NETSUITE_CUSTOMER_ENTITY_ID and the customer with that ID or e-mail.`,
        { source: 'netsuite', cause: error },
      );
    }
  }
}

/** A storefront address as a NetSuite address subrecord (US and Canadian states as codes, fields within limits). */
export function toErpAddress(address: PostalAddress, warnings: string[] = []): ErpAddress {
  const name = fit(`${address.firstName} ${address.lastName}`, COMPANY_MAX);
  const company = fit(address.company, COMPANY_MAX);
  const phone = normalizePhone(address.phone);
  if (phone.dropped) warnings.push(`address phone dropped: ${phone.dropped}`);
  return {
    addressee: company || name,
    ...(company && name ? { attention: name } : {}),
    addr1: address.street1,
    ...(address.street2 ? { addr2: address.street2 } : {}),
    city: address.city,
    state: regionCode(address.countryIso2, address.state),
    zip: address.zip,
    country: address.countryIso2,
    ...(phone.phone ? { addrPhone: phone.phone } : {}),
  };
}

function newCustomerFrom(order: StoreOrder, email: string, settings: CustomerSettings, warnings: string[]): NewCustomer {
  const billing = order.billing;
  const localPart = fit(email.split('@')[0] ?? email, NAME_MAX);
  const company = fit(billing.company, COMPANY_MAX);
  // NetSuite requires both names for individuals, at most 32 characters each; the e-mail's local part stands in.
  const firstName = fit(billing.firstName, NAME_MAX) || localPart;
  const lastName = fit(billing.lastName, NAME_MAX) || localPart;
  const phone = normalizePhone(billing.phone);
  if (phone.dropped) warnings.push(`customer phone dropped: ${phone.dropped}`);
  const entityId =
    settings.entityIdMode === 'email' ? fit(email, 83) : settings.entityIdMode === 'name' ? fit(company || `${firstName} ${lastName}`, 83) : undefined;
  return {
    // In a subsidiary other than where the shopper is known, a customer of ours: its own externalId.
    externalId: customerExternalId(order.storeHash, email, settings.subsidiaryId),
    email,
    isPerson: company === '',
    firstName,
    lastName,
    ...(company ? { companyName: company } : {}),
    ...(entityId ? { entityId } : {}),
    ...(phone.phone ? { phone: phone.phone } : {}),
    ...(settings.subsidiaryId ? { subsidiaryId: settings.subsidiaryId } : {}),
    // A new shopper's primary currency is the one they paid in, so the order can be booked in it.
    ...(settings.currencyId ? { currencyId: settings.currencyId } : {}),
    address: toErpAddress(billing, warnings),
  };
}
