/** What a shopper or an API puts in an alert cannot ping a channel or become a link: text and blocks alike. */
import { digestMessage, driftMessage, slackMessage } from '../../functions/adapters/slack/slack-alerter.ts';

const hostile = 'Customer note <!channel> <https://evil.example|click> & more';

function mrkdwnObjects(value: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.flatMap(mrkdwnObjects);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return [...(object.type === 'mrkdwn' ? [object] : []), ...Object.values(object).flatMap(mrkdwnObjects)];
  }
  return [];
}

test.each([
  ['failed order', slackMessage({ messageId: 'm1', storeHash: 'abc123', orderId: 7, reason: hostile }, undefined)],
  ['digest', digestMessage({ storeHash: 'abc123', count: 9, topReasons: [{ reason: hostile, count: 9 }], orderIds: [7], unreadable: 0 }, undefined)],
  [
    'drift',
    driftMessage({
      storeHash: 'abc123',
      orderId: 7,
      salesOrderId: '1',
      currency: 'USD',
      drift: [{ component: 'tax', netsuite: '1', bigcommerce: '2', cause: hostile }],
    }),
  ],
])('%s: the top-level text is escaped like the blocks, and every mrkdwn object is verbatim', (_, message) => {
  const text = String(message.text);
  expect(text).not.toContain('<!channel>');
  expect(text).toContain('&lt;!channel&gt;');
  expect(text).toContain('&amp; more');
  expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
  const objects = mrkdwnObjects(message.blocks);
  expect(objects.length).toBeGreaterThan(0);
  for (const object of objects) expect(object.verbatim).toBe(true);
});

test.each([
  [0, '9 orders did not reach NetSuite'],
  [9, '9 orders need a person in NetSuite'],
  [4, '9 orders need a person: 5 did not reach NetSuite, 4 changes were refused or failed'],
])('a digest with %i refused or failed change(s) of 9 says so in its title', (changes, title) => {
  const message = digestMessage({ storeHash: 'abc123', count: 9, topReasons: [{ reason: 'r', count: 9 }], orderIds: [7], unreadable: 0, changes }, undefined);
  expect(String(message.text)).toContain(`${title}:`);
});
