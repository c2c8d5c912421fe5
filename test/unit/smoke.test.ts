import { SimServer } from '../../local/simulators/sim-http.ts';

test('dynamodb local endpoint is provided', async () => {
  expect(process.env.TEST_DYNAMODB_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const server = new SimServer({ handle: () => ({ status: 204 }), faultResponse: () => ({ status: 500 }) });
  const base = await server.listen();
  const res = await fetch(`${base}/x`);
  expect(res.status).toBe(204);
  await server.close();
});
