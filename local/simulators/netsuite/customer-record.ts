/** Builds a customer record from a request body, enforcing the rules NetSuite applies on create and update. */
import { checkLength, customFields, get, missing, optBoolean, optListRef, optRef, optString, readAddress, Rejected, sublistItems } from './body-fields.ts';
import { invalidFieldValue, userError } from './errors.ts';
import { isoNow, type RecordStore } from './record-store.ts';
import type { AddressBookEntry, CustomerRecord, Json } from './records.ts';

export interface CustomerBuild {
  /** The record being updated, when this is an update. */
  existing?: CustomerRecord;
  /** Test seeding: infer isPerson and skip the mandatory-name rules. */
  seeding?: boolean;
  /** Test seeding: secondary subsidiaries (customerSubsidiaryRelationship records). */
  otherSubsidiaries?: string[];
}

export function buildCustomer(input: Json, body: unknown, store: RecordStore, build: CustomerBuild = {}): CustomerRecord {
  const { existing, seeding = false } = build;
  const companyName = optString(input, 'companyName');
  const firstName = optString(input, 'firstName');
  const lastName = optString(input, 'lastName');
  const isPerson = optBoolean(input, 'isPerson') ?? (seeding ? !companyName : false);
  const email = optString(input, 'email');
  const phone = optString(input, 'phone');
  const entityIdGiven = optString(input, 'entityId');
  const externalId = optString(input, 'externalId');
  const isInactive = optBoolean(input, 'isInactive') ?? false;

  checkLength(firstName, 'firstname', 32);
  checkLength(lastName, 'lastname', 32);
  checkLength(companyName, 'companyname', 83);
  checkLength(entityIdGiven, 'entityid', 83);
  checkLength(email, 'email', 254);
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new Rejected(invalidFieldValue(email, 'email', 'email'));
  // "The field can be up to 32 characters long" (Oracle, article_158572294439); a REST load saw exactly this text.
  checkLength(phone, 'phone', 32);
  if (phone && phone.replace(/\D/g, '').length < 7) throw new Rejected(userError('Phone number should have seven digits or more.'));

  if (!seeding) {
    if (isPerson) {
      const labels = [!firstName ? 'First Name' : '', !lastName ? 'Last Name' : ''].filter(Boolean);
      if (labels.length > 0) throw missing(...labels);
    } else if (!companyName) {
      throw missing('Company Name');
    }
  }

  let subsidiary: string | undefined;
  if (store.oneWorld) {
    subsidiary = optListRef(input, 'subsidiary', store.lists.subsidiaries);
    if (subsidiary === undefined && seeding) subsidiary = [...store.lists.subsidiaries][0];
    if (subsidiary === undefined) throw missing('Primary Subsidiary');
  }
  // Secondary subsidiaries (Multi-Subsidiary Customer) come from customerSubsidiaryRelationship records, which the
  // simulator's seeding stands in for: REST cannot write the customer's submachine sublist (Oracle, article_161581923822).
  const subsidiaries = subsidiary === undefined ? [] : [...new Set([subsidiary, ...(existing?.subsidiaries ?? []), ...(build.otherSubsidiaries ?? [])])];

  // The Customer ID: auto-numbered unless the request overrides it (`autoName: false`, Oracle: "you must leave out
  // the entityID field ... enable the Allow Override option"); without auto-numbering, the given one or the name.
  const autoName = optBoolean(input, 'autoName');
  const entityIdWanted = store.customerAutoNumbering && autoName !== false ? undefined : entityIdGiven;
  const derivedEntityId = store.customerAutoNumbering || seeding ? undefined : (companyName ?? [firstName, lastName].filter(Boolean).join(' '));

  // Multiple currencies: the primary one (the base currency unless named) and the currencyList sublist.
  const currency = optRef(input, 'currency') ?? existing?.currency ?? store.baseCurrency.id;
  if (!store.currencies.has(currency)) throw new Rejected(invalidFieldValue(currency, 'currency', 'currency'));
  const listed = (sublistItems(input, 'currencyList') ?? []).map((entry, index) => {
    const id = optRef(entry, 'currency', `currencyList.items[${index}].currency`);
    if (id === undefined || !store.currencies.has(id)) throw new Rejected(invalidFieldValue(id, 'currency', `currencyList.items[${index}].currency`));
    return id;
  });
  const currencies = [...new Set([currency, ...(listed.length > 0 ? listed : (existing?.currencies ?? []))])];

  const addressBook: AddressBookEntry[] = (sublistItems(input, 'addressBook') ?? []).map((entry, index) => {
    const path = `addressBook.items[${index}]`;
    const address = get(entry, 'addressBookAddress');
    return {
      defaultBilling: optBoolean(entry, 'defaultBilling', `${path}.defaultBilling`),
      defaultShipping: optBoolean(entry, 'defaultShipping', `${path}.defaultShipping`),
      label: optString(entry, 'label', `${path}.label`),
      isResidential: optBoolean(entry, 'isResidential', `${path}.isResidential`),
      addressBookAddress: address === undefined || address === null ? {} : readAddress(address, `${path}.addressBookAddress`),
    };
  });

  // Duplicates are found when the record is saved, after field validation.
  if (externalId !== undefined) {
    const holder = store.customers.byExternalId(externalId);
    if (holder && holder.id !== existing?.id) throw new Rejected(userError('This entity already exists.'));
  }
  const entityId = existing?.entityId ?? entityIdWanted ?? (seeding ? entityIdGiven : undefined) ?? derivedEntityId ?? store.nextEntityId();
  if (!existing && !entityId) throw missing('Customer ID');
  // The same words as a duplicate externalId: NetSuite says what exists, not what is duplicated.
  const holder = store.customerWithEntityId(entityId);
  if (holder !== undefined && holder !== existing?.id) throw new Rejected(userError('This entity already exists.'));

  const now = isoNow(store.clock);
  return {
    id: existing?.id ?? store.nextId(),
    entityId,
    email,
    firstName,
    lastName,
    companyName,
    isPerson,
    isInactive,
    externalId,
    phone,
    subsidiary,
    subsidiaries,
    currency,
    currencies,
    addressBook,
    customFields: customFields(input, 'custentity'),
    dateCreated: existing?.dateCreated ?? now,
    lastModifiedDate: now,
    // What was inferred is stored like what was sent, so a later update starts from the record as it is.
    input: { ...input, isperson: isPerson },
    body: structuredClone(body),
  };
}
