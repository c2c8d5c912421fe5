/**
 * The dead-letter queue as the notifier sees it: a depth and a peek. A peek is a receive with a short
 * visibility timeout and no delete, so every message stays for the console's "Start DLQ redrive".
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { DeadLetterQueue } from '../../core/ports.ts';
import { SqsQueue } from './sqs-queue.ts';

export class SqsDeadLetterQueue extends SqsQueue implements DeadLetterQueue {
  async depth(): Promise<number> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  async peek(max: number, hideSeconds: number): Promise<Array<{ messageId: string; body: string }>> {
    const { Messages = [] } = await this.sqs.send(
      // A one-second long poll: a short poll may sample servers that hold none of the messages.
      new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: Math.min(10, max), VisibilityTimeout: hideSeconds, WaitTimeSeconds: 1 }),
    );
    return Messages.map((message) => ({ messageId: message.MessageId!, body: message.Body ?? '' }));
  }
}
