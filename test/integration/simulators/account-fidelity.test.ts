/**
 * The simulated NetSuite account configured like real ones (issue: "simulators that stop being kind"), over HTTP
 * with TBA-signed fetch: property-name validation and disabled features, customer numbering, field limits,
 * multi-subsidiary customers, and items that cannot be ordered. Each behaviour was missing from the simulator
 * before, so a client relying on the old kindness fails here.
 */
import { tbaAuthorizationHeader } from '../../../functions/adapters/netsuite/tba-signature.ts';
import { NetSuiteSimulator } from '../../../local/simulators/netsuite/netsuite-simulator.ts';

const tba = { consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'ti', tokenSecret: 'ts' };
let ns: NetSuiteSimulator;
afterEach(async () => ns?.close());

type Json = Record<string, any>;
async function call(method: string, path: string, body?: Json, headers: Record<string, string> = {}) {
  const url = new URL(`${ns.baseUrl}/services/rest${path}`);
  const response = await fetch(url, {
    method,
    headers: { Authorization: tbaAuthorizationHeader({ method, url }, tba, ns.accountId), 'Content-Type': 'application/json', Prefer: 'transient', ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Json) : undefined };
}
const suiteql = async (q: string) => (await call('POST', '/query/v1/suiteql?limit=1000&offset=0', { q })).body!.items as Json[];

describe('property-name validation and features that are off', () => {
  test('by default an unknown field is dropped with a warning header and the write succeeds; with "error" it is refused', async () => {
    ns = await NetSuiteSimulator.start({ tba, features: { classes: false } });
    const customer = ns.addCustomer({ email: 'a@example.com', firstName: 'A', lastName: 'B' });
    const item = ns.addItem({ itemId: 'MUG' });
    const order = { entity: { id: customer }, class: { id: '1' }, item: { items: [{ item: { id: item }, quantity: 1, rate: 5 }] } };

    const lenient = await call('POST', '/record/v1/salesOrder', order);
    expect(lenient.status).toBe(204);
    expect(lenient.headers.get('x-netsuite-propertyvalidation')).toContain('class');
    expect(ns.salesOrders()[0]!.class).toBeUndefined(); // vanished behind the 204

    const strict = await call('POST', '/record/v1/salesOrder', { ...order, externalId: 'S-2' }, { 'X-NetSuite-PropertyNameValidation': 'error' });
    expect(strict.status).toBe(400);
    expect(strict.body!['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'class' });
  });

  test('line fields too: a price level without Multiple Prices is unknown on the line', async () => {
    ns = await NetSuiteSimulator.start({ tba, features: { multiplePrices: false } });
    const customer = ns.addCustomer({ email: 'a@example.com', firstName: 'A', lastName: 'B' });
    const item = ns.addItem({ itemId: 'MUG' });
    const strict = await call(
      'POST',
      '/record/v1/salesOrder',
      { entity: { id: customer }, item: { items: [{ item: { id: item }, quantity: 1, rate: 5, price: { id: '-1' } }] } },
      { 'X-NetSuite-PropertyNameValidation': 'error' },
    );
    expect(strict.body!['o:errorDetails'][0]).toMatchObject({ 'o:errorPath': 'item.items[0].price' });
  });
});

describe('customers', () => {
  test('without auto-numbering the Customer ID is the given one or the name, and a second namesake "already exists"', async () => {
    ns = await NetSuiteSimulator.start({ tba, customerAutoNumbering: false });
    const person = { isPerson: true, firstName: 'John', lastName: 'Smith' };
    expect((await call('POST', '/record/v1/customer', { ...person, email: 'a@example.com' })).status).toBe(204);
    const clash = await call('POST', '/record/v1/customer', { ...person, email: 'b@example.com', externalId: 'X-2' });
    expect(clash.status).toBe(400);
    expect(clash.body!['o:errorDetails'][0].detail).toContain('This entity already exists.');
    expect((await call('POST', '/record/v1/customer', { ...person, email: 'b@example.com', entityId: 'John Smith 2' })).status).toBe(204);
    expect(ns.customers().map((customer) => customer.entityId)).toEqual(['John Smith', 'John Smith 2']);
  });

  test('with auto-numbering a given Customer ID counts only with autoName false (Allow Override)', async () => {
    ns = await NetSuiteSimulator.start({ tba });
    await call('POST', '/record/v1/customer', { isPerson: true, firstName: 'A', lastName: 'B', entityId: 'ignored' });
    await call('POST', '/record/v1/customer', { isPerson: true, firstName: 'A', lastName: 'B', entityId: 'kept', autoName: false });
    expect(ns.customers().map((customer) => customer.entityId)).toEqual(['1', 'kept']);
  });

  test('a phone longer than 32 characters is refused with NetSuite’s length message', async () => {
    ns = await NetSuiteSimulator.start({ tba });
    const response = await call('POST', '/record/v1/customer', { isPerson: true, firstName: 'A', lastName: 'B', phone: '+1 512 555 0100 0100 0100 0100 0100' });
    expect(response.body!['o:errorDetails'][0].detail).toContain('The field phone contained more than the maximum number ( 32 ) of characters allowed.');
  });

  test('OneWorld: a sales order may book in a secondary subsidiary of its customer, not in one the customer lacks; SuiteQL lists them', async () => {
    ns = await NetSuiteSimulator.start({ tba, oneWorld: true, subsidiaries: ['1', '2', '3'] });
    const customer = ns.addCustomer({ email: 'a@example.com', firstName: 'A', lastName: 'B', subsidiary: '1', otherSubsidiaries: ['2'] });
    const item = ns.addItem({ itemId: 'MUG' });
    const order = (subsidiary: string) => ({
      entity: { id: customer },
      subsidiary: { id: subsidiary },
      item: { items: [{ item: { id: item }, quantity: 1, rate: 5 }] },
    });
    expect((await call('POST', '/record/v1/salesOrder', order('2'))).status).toBe(204);
    const refused = await call('POST', '/record/v1/salesOrder', order('3'));
    expect(refused.body!['o:errorDetails'][0]).toMatchObject({ 'o:errorPath': 'subsidiary' });
    expect(await suiteql(`SELECT subsidiary, isprimarysub FROM customersubsidiaryrelationship WHERE entity = ${customer} ORDER BY subsidiary`)).toEqual([
      { links: [], isprimarysub: 'T', subsidiary: '1' },
      { links: [], isprimarysub: 'F', subsidiary: '2' },
    ]);
  });
});

describe('items', () => {
  test.each([
    ['a matrix parent', { itemId: 'SHIRT', matrixType: 'PARENT' as const }],
    ['a purchase-only item', { itemId: 'SUPPLY', itemType: 'NonInvtPart', subtype: 'Purchase' as const }],
    ['a ship item', { itemId: 'UPS', itemType: 'ShipItem' }],
  ])('%s cannot be a sales order line: refused like a bad item reference', async (_name, input) => {
    ns = await NetSuiteSimulator.start({ tba });
    const customer = ns.addCustomer({ email: 'a@example.com', firstName: 'A', lastName: 'B' });
    const item = ns.addItem(input);
    const response = await call('POST', '/record/v1/salesOrder', { entity: { id: customer }, item: { items: [{ item: { id: item }, quantity: 1, rate: 5 }] } });
    expect(response.status).toBe(400);
    expect(response.body!['o:errorDetails'][0]).toMatchObject({ 'o:errorPath': 'item.items[0].item' });
    expect(response.body!['o:errorDetails'][0].detail).toContain('Invalid Field Value');
  });

  test('SuiteQL shows matrixtype and subtype, NULL (absent) for ordinary items', async () => {
    ns = await NetSuiteSimulator.start({ tba });
    ns.addItem({ itemId: 'SHIRT', matrixType: 'PARENT' });
    ns.addItem({ itemId: 'SHIRT-M', matrixType: 'CHILD', subtype: 'Resale', itemType: 'NonInvtPart' });
    ns.addItem({ itemId: 'MUG' });
    expect(await suiteql('SELECT itemid, matrixtype, subtype FROM item ORDER BY id')).toEqual([
      { links: [], itemid: 'SHIRT', matrixtype: 'PARENT' },
      { links: [], itemid: 'SHIRT-M', matrixtype: 'CHILD', subtype: 'Resale' },
      { links: [], itemid: 'MUG' },
    ]);
  });
});
