/** RedeliveryControl on SQS: a failed record's visibility timeout becomes its backoff before the next receive. */
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { RedeliveryControl } from '../../core/ports.ts';
import { SqsQueue } from './sqs-queue.ts';

export class SqsRedelivery extends SqsQueue implements RedeliveryControl {
  async postpone(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.min(43_200, seconds) }),
    );
  }
}
