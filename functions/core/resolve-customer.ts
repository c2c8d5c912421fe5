import { AlreadyExistsError, PermanentError, TransientError } from './errors.ts';
import { customerExternalId, normalizeEmail } from './external-ids.ts';
import type { ErpAddress, NewCustomer, PostalAddress, StoreOrder } from './model.ts';
import type { CustomerCache, Erp } from './ports.ts';
import { regionCode } from './region-codes.ts';

export interface CustomerResolution {
  customerId: string;
  email: string;
  /** How we found it, for logs and the steady-state request budget; 'would_create' only in a dry run. */
  via: 'cache' | 'lookup' | 'created' | 'created_concurrently' | 'would_create';
}

/**
 * Finds the shopper's NetSuite customer by normalised e-mail, or creates it from the billing address.
 * Guests (customer_id 0) resolve the same way: NetSuite knows shoppers by e-mail, not by storefront account.
 */
export async function resolveCustomer(
  order: StoreOrder,
  deps: { erp: Erp; customers: CustomerCache; subsidiaryId?: string; currencyId?: string },
  options: { dryRun?: boolean } = {},
): Promise<CustomerResolution> {
  const email = normalizeEmail(order.billing.email);
  if (!email) throw new PermanentError(`order ${order.orderId} has no billing e-mail, so no customer can be matched`, { source: 'order' });

  const cached = await deps.customers.get(email);
  if (cached) return { customerId: cached, email, via: 'cache' };

  const matches = await deps.erp.findCustomersByEmail(email);
  let resolution: CustomerResolution;
  if (matches.length > 0) {
    // Several customers can share an e-mail; the oldest (lowest internal id) wins, every time.
    const [oldest] = [...matches].sort((a, b) => Number(a.id) - Number(b.id));
    resolution = { customerId: oldest!.id, email, via: 'lookup' };
  } else if (options.dryRun) {
    return { customerId: '', email, via: 'would_create' };
  } else {
    resolution = await createCustomer(newCustomerFrom(order, email, deps.subsidiaryId, deps.currencyId), deps.erp, email);
  }
  await deps.customers.put(email, resolution.customerId);
  return resolution;
}

async function createCustomer(customer: NewCustomer, erp: Erp, email: string): Promise<CustomerResolution> {
  try {
    return { customerId: await erp.createCustomer(customer), email, via: 'created' };
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    // Another order from the same new shopper created it a moment ago: converge on that record.
    const existing = await erp.findCustomerByExternalId(customer.externalId);
    if (!existing) throw new TransientError(`customer ${customer.externalId} reported as existing but not readable yet`, { source: 'netsuite' });
    return { customerId: existing, email, via: 'created_concurrently' };
  }
}

export function toErpAddress(address: PostalAddress): ErpAddress {
  const name = `${address.firstName} ${address.lastName}`.trim();
  return {
    addressee: address.company || name,
    ...(address.company && name ? { attention: name } : {}),
    addr1: address.street1,
    ...(address.street2 ? { addr2: address.street2 } : {}),
    city: address.city,
    state: regionCode(address.countryIso2, address.state),
    zip: address.zip,
    country: address.countryIso2,
    ...(address.phone ? { addrPhone: address.phone } : {}),
  };
}

function newCustomerFrom(order: StoreOrder, email: string, subsidiaryId: string | undefined, currencyId: string | undefined): NewCustomer {
  const billing = order.billing;
  const localPart = email.split('@')[0] ?? email;
  const company = billing.company.trim();
  return {
    externalId: customerExternalId(order.storeHash, email),
    email,
    isPerson: company === '',
    // NetSuite requires both names for individuals; fall back to the e-mail's local part rather than fail.
    firstName: billing.firstName.trim() || localPart,
    lastName: billing.lastName.trim() || localPart,
    ...(company ? { companyName: company } : {}),
    ...(billing.phone ? { phone: billing.phone } : {}),
    ...(subsidiaryId ? { subsidiaryId } : {}),
    // A new shopper's primary currency is the one they paid in, so the order can be booked in it.
    ...(currencyId ? { currencyId } : {}),
    address: toErpAddress(billing),
  };
}
