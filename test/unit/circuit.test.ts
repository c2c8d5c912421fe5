/** Which failures concern every order (and open a circuit) and which concern only their own order. */
import { netsuiteFailure } from '../../functions/adapters/netsuite/netsuite-errors.ts';
import { CIRCUIT_THRESHOLDS, circuitFailureOf } from '../../functions/core/circuit.ts';
import { AccessDeniedError, MissingSkuError, TransientError } from '../../functions/core/errors.ts';
import { DeadlineExceededError } from '../../functions/common/deadline.ts';

const envelope = (status: number, code: string, detail: string) => JSON.stringify({ status, 'o:errorDetails': [{ detail, 'o:errorCode': code }] });

test("NetSuite's 401 is only suspect (it also answers concurrency bursts); a refused permission is certain", () => {
  expect(circuitFailureOf(netsuiteFailure(401, envelope(401, 'INVALID_LOGIN', 'Invalid login attempt.'), 'create'))).toMatchObject({
    service: 'netsuite',
    kind: 'auth_suspect',
  });
  expect(CIRCUIT_THRESHOLDS.auth_suspect).toBeGreaterThan(1);
  const forbidden = netsuiteFailure(403, envelope(403, 'INSUFFICIENT_PERMISSION', 'Permission denied.'), 'create');
  expect(forbidden).toBeInstanceOf(AccessDeniedError);
  expect(circuitFailureOf(forbidden)).toMatchObject({ service: 'netsuite', kind: 'auth' });
  // As observed in the wild: a role without the permission answered 400 USER_ERROR.
  const observed = netsuiteFailure(
    400,
    envelope(400, 'USER_ERROR', 'Error while accessing a resource. Your current role does not have permission to perform this action.'),
    'create',
  );
  expect(circuitFailureOf(observed)).toMatchObject({ kind: 'auth' });
  expect(CIRCUIT_THRESHOLDS.auth).toBe(1);
});

test('NetSuite 5xx and timeouts count towards an outage; our own deadline, 429s and order failures do not', () => {
  expect(circuitFailureOf(netsuiteFailure(503, envelope(503, 'UNEXPECTED_ERROR', 'x'), 'create'))).toMatchObject({ kind: 'outage' });
  expect(circuitFailureOf(new TransientError('timeout', { source: 'netsuite', code: 'ETIMEDOUT' }))).toMatchObject({ kind: 'outage' });
  expect(circuitFailureOf(new DeadlineExceededError('no time left', { source: 'netsuite', code: 'DEADLINE_EXCEEDED' }))).toBeUndefined();
  expect(circuitFailureOf(netsuiteFailure(429, envelope(429, 'CONCURRENCY_LIMIT_EXCEEDED', 'x'), 'create'))).toBeUndefined();
  expect(circuitFailureOf(new MissingSkuError(['A']))).toBeUndefined();
  expect(circuitFailureOf(netsuiteFailure(400, envelope(400, 'USER_ERROR', 'You must enter at least one line item.'), 'create'))).toBeUndefined();
  expect(circuitFailureOf(new AccessDeniedError('BigCommerce GET /v2/orders/1: 401', { source: 'bigcommerce', status: 401 }))).toMatchObject({
    service: 'bigcommerce',
    kind: 'auth',
  });
});
