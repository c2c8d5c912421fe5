/**
 * The order shapes and account behaviours the money work depends on, checked on the simulators themselves over
 * HTTP: each of these was missing from (or kinder in) the simulators before, so a client bug in these areas
 * would have passed unnoticed. BigCommerce by plain fetch; NetSuite through a raw NetSuiteClient (its auth).
 */
import { PermanentError } from '../../../functions/core/errors.ts';
import { shopper, startHarness, type Harness } from '../../support/sync-harness.ts';

let h: Harness;
let customerId: string;
let mug: string;
let shipItem: string;

beforeAll(async () => {
  h = await startHarness({
    netsuite: {
      currencies: ['USD', 'EUR'],
      taxCodes: [
        { id: '-8', name: '-Not Taxable-', rate: 0 },
        { id: '101', name: 'TX 8.25%', rate: 0.0825 },
        { id: '103', name: 'FL 7%', rate: 0.07 },
      ],
      defaultTaxCode: '-8',
      taxCodeByState: { TX: '101', FL: '103' },
      multiShipRoutes: true,
    },
  });
  mug = h.ns.addItem({ itemId: 'MUG-11OZ' });
  shipItem = h.ns.addItem({ itemId: 'UPS Ground', itemType: 'ShipItem', basePrice: 12.5 });
  customerId = h.ns.addCustomer({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Smith' });
});
afterAll(async () => h.close());

const v2 = async (path: string) => {
  const res = await fetch(`${h.bc.baseUrl}/stores/abc123/v2${path}`, {
    headers: { 'X-Auth-Token': h.config.bigcommerce.accessToken, Accept: 'application/json' },
  });
  return res.status === 204 ? undefined : ((await res.json()) as any);
};
const units = (money: string | number) => Math.round(Number(money) * 10_000);

describe('BigCommerce', () => {
  test('fees: a link without include=fees, the fee objects with it and at /fees, and in total_inc_tax (spec L1180-1221, L4438-4443, L5693-5747)', async () => {
    const id = h.bc.addOrder({
      billing: shopper('a@example.com'),
      taxRate: 0.1,
      lines: [{ sku: 'X', quantity: 1, priceExTax: '10' }],
      fees: [{ name: 'Eco packaging', costExTax: '2' }],
    });
    expect((await v2(`/orders/${id}`)).fees).toEqual({ url: expect.stringContaining(`/orders/${id}/fees`), resource: `/orders/${id}/fees` });
    const order = await v2(`/orders/${id}?include=fees`);
    expect(order.fees).toEqual([
      expect.objectContaining({
        type: 'custom_fee',
        display_name_customer: 'Eco packaging',
        cost_ex_tax: '2.0000',
        cost_inc_tax: '2.2000',
        cost_tax: '0.2000',
      }),
    ]);
    expect((await v2(`/orders/${id}/fees`)).fees).toHaveLength(1);
    // 10 + 1 tax + 2 fee + 0.2 fee tax
    expect(order.total_inc_tax).toBe('13.2000');
    expect(order.total_tax).toBe('1.2000');
  });

  test('gift wrapping: per line (a line total), summed on the order, taxed, and in total_inc_tax (spec L3140-3157, L4650-4655)', async () => {
    const id = h.bc.addOrder({
      billing: shopper('a@example.com'),
      taxRate: 0.1,
      lines: [{ sku: 'X', quantity: 2, priceExTax: '10', wrappingCostExTax: '3', wrappingName: 'Gold' }],
    });
    const [line] = await v2(`/orders/${id}/products`);
    expect(line).toMatchObject({ wrapping_name: 'Gold', wrapping_cost_ex_tax: '3.0000', wrapping_cost_tax: '0.3000', total_ex_tax: '20.0000' });
    expect(await v2(`/orders/${id}`)).toMatchObject({ wrapping_cost_ex_tax: '3.0000', wrapping_cost_inc_tax: '3.3000', total_inc_tax: '25.3000' });
  });

  test('a gift certificate line and a custom product: no SKU, product_id 0; the certificate is e-mailed, untaxed (spec L3017-3024, L2360-2416, L5389-5416)', async () => {
    const id = h.bc.addOrder({
      billing: shopper('a@example.com'),
      taxRate: 0.1,
      lines: [
        { sku: '', name: 'Engraved plaque', quantity: 1, priceExTax: '40' },
        { sku: '', type: 'giftcertificate', name: '$25 Gift Certificate', quantity: 1, priceExTax: '25' },
      ],
    });
    const [custom, gift] = await v2(`/orders/${id}/products`);
    expect(custom).toMatchObject({ sku: '', product_id: 0, variant_id: 0, type: 'physical', total_tax: '4.0000' });
    expect(gift).toMatchObject({
      sku: '',
      product_id: 0,
      type: 'giftcertificate',
      gift_certificate_id: expect.any(Number),
      total_tax: '0.0000',
      order_address_id: 0,
    });
    const { consignments } = await v2(`/orders/${id}?include=consignments.line_items&consignment_structure=object`);
    expect(consignments.email.gift_certificates).toEqual([expect.objectContaining({ line_items: [expect.objectContaining({ id: gift.id })] })]);
  });

  test('multi-currency: currency_code is the display currency, default_currency_code the one paid in (spec L13-41, L4361-4388)', async () => {
    const id = h.bc.addOrder({
      billing: shopper('a@example.com'),
      currencyCode: 'EUR',
      displayCurrencyCode: 'GBP',
      storeDefaultCurrencyCode: 'USD',
      exchangeRate: '0.92',
      lines: [{ sku: 'X', quantity: 1, priceExTax: '10' }],
    });
    expect(await v2(`/orders/${id}`)).toMatchObject({
      currency_code: 'GBP',
      default_currency_code: 'EUR',
      store_default_currency_code: 'USD',
      store_default_to_transactional_exchange_rate: '0.9200000000',
    });
  });

  test('gift certificate and store credit are payments: the total stays what the order costs (spec L4353-4360)', async () => {
    const id = h.bc.addOrder({
      billing: shopper('a@example.com'),
      lines: [{ sku: 'X', quantity: 1, priceExTax: '30' }],
      giftCertificateAmount: '10',
      storeCreditAmount: '5',
    });
    expect(await v2(`/orders/${id}`)).toMatchObject({ total_inc_tax: '30.0000', gift_certificate_amount: '10.0000', store_credit_amount: '5.0000' });
  });

  test('taxes: one row per tax class, the rows add up to total_tax; details=true per taxed thing (spec L713-740, L3357-3430)', async () => {
    const id = h.bc.addOrder({
      billing: shopper('a@example.com'),
      taxRate: 0.1,
      lines: [
        { sku: 'X', quantity: 1, priceExTax: '10' },
        { sku: 'E', quantity: 1, priceExTax: '20', taxRate: 0.05, taxClass: 'Digital Goods' },
      ],
      shippingCostExTax: '5',
    });
    const rows = await v2(`/orders/${id}/taxes`);
    expect(rows.map((row: any) => [row.class, row.line_amount])).toEqual([
      ['Default Tax Class', '1.0000'],
      ['Digital Goods', '1.0000'],
      ['Shipping', '0.5000'],
    ]);
    const order = await v2(`/orders/${id}`);
    expect(rows.reduce((sum: number, row: any) => sum + units(row.line_amount), 0)).toBe(units(order.total_tax));
    expect((await v2(`/orders/${id}/taxes?details=true`)).map((row: any) => row.line_item_type)).toEqual(['item', 'item', 'shipping']);
  });

  test('several consignments: one per address, each with its lines and cost; a digital order in Completed has none', async () => {
    const id = h.bc.addOrder({
      billing: shopper('a@example.com'),
      shipping: [
        { ...shopper('a@example.com'), costExTax: '5' },
        { ...shopper('b@example.com', 'Bob'), city: 'Dallas', costExTax: '7', shippingMethod: 'UPS Ground' },
      ],
      lines: [
        { sku: 'X', quantity: 1, priceExTax: '10' },
        { sku: 'Y', quantity: 1, priceExTax: '10', addressIndex: 1 },
      ],
    });
    const { consignments, shipping_address_count } = await v2(`/orders/${id}?include=consignments&consignment_structure=object`);
    expect(shipping_address_count).toBe(2);
    expect(consignments.shipping.map((c: any) => [c.city, c.shipping_method, c.cost_ex_tax, c.line_items.length])).toEqual([
      ['Austin', 'Flat Rate', 5, 1],
      ['Dallas', 'UPS Ground', 7, 1],
    ]);
    const digital = h.bc.addOrder({ statusId: 10, billing: shopper('a@example.com'), shipping: [], lines: [{ sku: 'E', quantity: 1, priceExTax: '9.99' }] });
    const order = await v2(`/orders/${digital}?include=consignments&consignment_structure=object`);
    expect(order).toMatchObject({ status_id: 10, status: 'Completed', order_is_digital: true, shipping_address_count: 0 });
    expect(order.consignments.shipping).toEqual([]);
    expect(order.consignments.downloads).toHaveLength(1);
  });
});

describe('NetSuite', () => {
  const create = (body: Record<string, unknown>) =>
    h.context.netsuite.createRecord('salesOrder', { entity: { id: customerId }, ...body }, { retrySafe: false });
  const read = async (id: string) => h.ns.salesOrders().find((order) => order.id === id)!;
  const line = (extra: Record<string, unknown> = {}) => ({ item: { id: mug }, quantity: 2, rate: 10, ...extra });
  const texas = { addr1: '1 Main St', city: 'Austin', state: 'TX', zip: '78701', country: 'US' };

  test('tax by ship-to state, on each line and on shipping; a line or shipping tax code overrides it', async () => {
    const id = await create({ shippingAddress: texas, shippingCost: 10, item: { items: [line(), line({ taxCode: { id: '-8' } })] } });
    // 8.25 % of 20 = 1.65 on the first line, none on the second, 8.25 % of 10 shipping = 0.83
    expect(await read(id)).toMatchObject({ taxTotal: 2.48, total: 20 + 20 + 10 + 2.48 });
    const exempt = await create({
      shippingAddress: texas,
      shippingCost: 10,
      shippingTaxCode: { id: '-8' },
      item: { items: [line({ taxCode: { id: '-8' } })] },
    });
    expect(await read(exempt)).toMatchObject({ taxTotal: 0, total: 30 });
  });

  test('tax-inclusive rates are taxed again: NetSuite adds its tax to whatever rate it is given', async () => {
    const id = await create({ shippingAddress: texas, item: { items: [line({ rate: 10.825, amount: 21.65 })] } });
    expect(await read(id)).toMatchObject({ taxTotal: 1.79, total: 23.44 });
  });

  test('a state name where NetSuite expects the code is refused, naming the field', async () => {
    const failure = await create({ shippingAddress: { ...texas, state: 'Texas' }, item: { items: [line()] } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentError);
    expect(failure).toMatchObject({ details: { status: 400, path: 'shippingAddress.state' } });
  });

  test('currencies: the customer primary one by default; one the customer does not have is refused (INVALID_KEY_OR_REF on currency)', async () => {
    const eur = h.ns.currencyId('EUR');
    expect((await read(await create({ item: { items: [line()] } }))).currency).toBe(h.ns.currencyId('USD'));
    const failure = await create({ currency: { id: eur }, item: { items: [line()] } }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ details: { status: 400, code: 'INVALID_KEY_OR_REF', path: 'currency' } });
    expect((failure as Error).message).toContain(`Invalid currency reference key ${eur} for entity ${customerId}`);
    const both = h.ns.addCustomer({ email: 'eu@example.com', firstName: 'Eu', lastName: 'Ro', currency: 'USD', otherCurrencies: ['EUR'] });
    const id = await h.context.netsuite.createRecord(
      'salesOrder',
      { entity: { id: both }, currency: { id: eur }, item: { items: [line()] } },
      { retrySafe: false },
    );
    expect((await read(id)).currency).toBe(eur);
  });

  test('ship method: must be a ship item; alone it charges the item rate, with a shipping cost the cost stays', async () => {
    expect(await read(await create({ shipMethod: { id: shipItem }, item: { items: [line()] } }))).toMatchObject({ shipMethod: shipItem, shippingCost: 12.5 });
    expect(await read(await create({ shipMethod: { id: shipItem }, shippingCost: 6.95, item: { items: [line()] } }))).toMatchObject({ shippingCost: 6.95 });
    await expect(create({ shipMethod: { id: mug }, item: { items: [line()] } })).rejects.toMatchObject({ details: { path: 'shipMethod' } });
  });

  test('multiple shipping routes: a ship-to and ship item per line, one group per pair rated by its item, rates set apart from items', async () => {
    const customer = h.ns.addCustomer({ email: 'msr@example.com', firstName: 'M', lastName: 'S' });
    await h.context.netsuite.updateRecord('customer', customer, {
      addressBook: {
        items: [
          { label: 'A', addressBookAddress: texas },
          { label: 'B', addressBookAddress: { ...texas, city: 'Miami', state: 'FL', zip: '33131' } },
        ],
      },
    });
    const msrLine = (address: string) => line({ shipAddress: { id: address }, shipMethod: { id: shipItem } });
    const make = (body: Record<string, unknown>) =>
      h.context.netsuite.createRecord('salesOrder', { entity: { id: customer }, isMultiShipTo: true, ...body }, { retrySafe: false });

    await expect(make({ item: { items: [line()] } })).rejects.toThrow(/Please enter value\(s\) for: Ship To/);
    await expect(make({ item: { items: [msrLine('1')] }, shipGroup: { items: [{ id: 1, shippingRate: 3 }] } })).rejects.toThrow(
      /cannot update items and shipping rates at the same time/,
    );
    await expect(make({ shippingCost: 5, item: { items: [msrLine('1')] } })).rejects.toThrow(/set per ship group/);

    const id = await make({ item: { items: [msrLine('1'), msrLine('2'), msrLine('1')] } });
    expect((await read(id)).shipGroups.map((group) => [group.id, group.shipAddress, group.shippingRate])).toEqual([
      [1, '1', 12.5],
      [2, '2', 12.5],
    ]);
    await h.context.netsuite.updateRecord('salesOrder', id, {
      shipGroup: {
        items: [
          { id: 1, shippingRate: 4 },
          { id: 2, shippingRate: 6 },
        ],
      },
    });
    // Lines: 3 × 20, taxed 8.25 % in Texas (two lines) and 7 % in Florida; shipping 4 (TX) + 6 (FL), taxed likewise.
    expect(await read(id)).toMatchObject({ shippingCost: 10, taxTotal: 5.45 }); // 1.65 + 1.65 + 1.40 + 0.33 + 0.42
  });

  test('SuiteQL sees the currency table, and sales order totals as NetSuite books them: main line positive, other lines opposite', async () => {
    const discount = h.ns.addItem({ itemId: 'DISCOUNT', itemType: 'Discount' });
    const id = await create({
      shippingAddress: texas,
      shipMethod: { id: shipItem },
      shippingCost: 5,
      discountItem: { id: discount },
      discountRate: -3,
      item: { items: [line()] },
    });
    expect(await h.context.netsuite.suiteql('SELECT id, symbol, isbasecurrency FROM currency ORDER BY id')).toEqual([
      { id: '1', symbol: 'USD', isbasecurrency: 'T' },
      { id: '2', symbol: 'EUR', isbasecurrency: 'F' },
    ]);
    const [header] = await h.context.netsuite.suiteql(`SELECT foreigntotal, taxtotal, currency FROM transaction WHERE id = ${id}`);
    // 20 - 3 + 5 + 8.25 % of 20 (1.65) + of 5 (0.41)
    expect(header).toEqual({ foreigntotal: '24.06', taxtotal: '2.06', currency: '1' });
    const lines = await h.context.netsuite.suiteql(
      `SELECT mainline, taxline, itemtype, foreignamount FROM transactionline WHERE transaction = ${id} ORDER BY linesequencenumber`,
    );
    expect(lines).toEqual([
      { mainline: 'T', taxline: 'F', foreignamount: '24.06' },
      { mainline: 'F', taxline: 'F', itemtype: 'InvtPart', foreignamount: '-20' },
      { mainline: 'F', taxline: 'F', itemtype: 'Discount', foreignamount: '3' },
      { mainline: 'F', taxline: 'F', itemtype: 'ShipItem', foreignamount: '-5' },
      { mainline: 'F', taxline: 'T', itemtype: 'TaxItem', foreignamount: '-2.06' },
    ]);
    // And the product reads them back as positive parts.
    expect((await h.context.erp.readSalesOrderTotals([id])).get(id)).toEqual({
      salesOrderId: id,
      currency: 'USD',
      total: units('24.06'),
      tax: units('2.06'),
      shipping: units('5'),
      discount: units('3'),
    });
  });
});
