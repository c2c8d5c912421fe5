/**
 * Webhook scopes: which ones a hook may subscribe to, and which events a (possibly wildcard) subscription hears.
 * The order and metafield families are documented completely, so an unknown scope there is a typo we reject;
 * scopes of other families are accepted and simply never fire, since the simulator has no carts or products.
 */

const ORDER_SCOPES = new Set([
  'store/order/*',
  'store/order/created',
  'store/order/updated',
  'store/order/archived',
  'store/order/statusUpdated',
  'store/order/message/created',
  'store/order/refund/created',
  'store/order/transaction/created',
  'store/order/transaction/updated',
  'store/order/metafield/created',
  'store/order/metafield/updated',
  'store/order/metafield/deleted',
]);
const METAFIELD_SCOPES = new Set(['store/metafield/*', 'store/metafield/created', 'store/metafield/updated', 'store/metafield/deleted']);

const SCOPE_SHAPE = /^store(\/[A-Za-z0-9_]+)+(\/\*)?$/;

/** Why `scope` cannot be subscribed to, or undefined when it can. */
export function scopeProblem(scope: string): string | undefined {
  if (!SCOPE_SHAPE.test(scope)) return 'must be a webhook scope such as store/order/created';
  if (scope.startsWith('store/order/') && !ORDER_SCOPES.has(scope)) return `unknown order scope ${scope}`;
  if (scope.startsWith('store/metafield/') && !METAFIELD_SCOPES.has(scope)) return `unknown metafield scope ${scope}`;
  return undefined;
}

/** Whether a hook on `subscribed` fires for an event of scope `event`: exact, or `prefix/*` for anything under it. */
export function scopeMatches(subscribed: string, event: string): boolean {
  if (subscribed === event) return true;
  return subscribed.endsWith('/*') && event.startsWith(subscribed.slice(0, -1));
}
