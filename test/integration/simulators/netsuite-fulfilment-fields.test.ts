/**
 * Custom body fields on item fulfilments: kept from the transform and merged by later PATCHes, served back on GET,
 * like every other transaction's custbody_ fields (REST API Browser 2026.1 itemFulfillment record: custom fields are
 * record fields; lifecycle.md §5.4 item 5, the shipment id written back onto the fulfilment). Before this the
 * simulator dropped them from fulfilments, so a write-back could not be checked.
 */
import { tbaAuthorizationHeader } from '../../../functions/adapters/netsuite/tba-signature.ts';
import { NetSuiteSimulator } from '../../../local/simulators/netsuite/netsuite-simulator.ts';

const tba = { consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'ti', tokenSecret: 'ts' };
const now = Date.parse('2026-03-04T10:00:00Z');
let ns: NetSuiteSimulator;

beforeAll(async () => {
  ns = await NetSuiteSimulator.start({ tba, clock: () => now, customFields: { transactionBody: ['custbody_bc_shipment_id', 'custbody_packer'] } });
});
afterAll(async () => ns.close());

async function call(method: string, path: string, body?: Record<string, unknown>) {
  const url = new URL(`${ns.baseUrl}/services/rest${path}`);
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: tbaAuthorizationHeader({ method, url }, tba, ns.accountId, { timestamp: Math.floor(now / 1000) }),
      'Content-Type': 'application/json',
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

test('a fulfilment keeps its custom body fields: set on the transform, merged by a PATCH, read back', async () => {
  const customer = ns.addCustomer({ email: 'a@example.com', firstName: 'A', lastName: 'B' });
  const mug = ns.addItem({ itemId: 'MUG' });
  const order = await call('POST', '/record/v1/salesOrder', { entity: { id: customer }, item: { items: [{ item: { id: mug }, quantity: 1, rate: 5 }] } });
  expect(order.status).toBe(204);
  const orderId = order.location!.split('/').pop()!;
  const created = await call('POST', `/record/v1/salesOrder/${orderId}/!transform/itemFulfillment`, { shipStatus: 'C', custbody_packer: 'Ann' });
  expect(created.status).toBe(204);
  const fulfilmentId = created.location!.split('/').pop()!;

  expect((await call('PATCH', `/record/v1/itemFulfillment/${fulfilmentId}`, { custbody_bc_shipment_id: '17,18' })).status).toBe(204);

  const read = await call('GET', `/record/v1/itemFulfillment/${fulfilmentId}`);
  expect(read.body).toMatchObject({ custbody_packer: 'Ann', custbody_bc_shipment_id: '17,18' });
});
