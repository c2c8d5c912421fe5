/** The OrderQueue port on SQS: SendMessageBatch in tens, failed entries retried, never dropped. */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError } from '../../core/errors.ts';
import type { OrderMessage, OrderQueue } from '../../core/ports.ts';
import { SqsQueue } from './sqs-queue.ts';

const BATCH = 10; // SendMessageBatch's limit
const ROUNDS = 5;

export class SqsOrderQueue extends SqsQueue implements OrderQueue {
  async enqueue(messages: OrderMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH) {
      let entries = messages.slice(start, start + BATCH).map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) }));
      for (let round = 1; entries.length > 0; round++) {
        const result = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
        if (entries.length > 0 && round >= ROUNDS) {
          throw new TransientError(`SQS refused ${entries.length} message(s): ${result.Failed?.[0]?.Message ?? 'unknown reason'}`);
        }
        if (entries.length > 0) await sleep(100 * 2 ** round);
      }
    }
  }
}
