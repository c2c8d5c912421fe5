/**
 * The orders queue and its dead-letter queue, built from the definitions the local runtime also uses
 * (functions/adapters/sqs/queue-definitions.ts). Only SQS's redrive policy ever moves a message into the
 * dead-letter queue, and nothing consumes it, so the console's "Start DLQ redrive" can send every message
 * back to the orders queue.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue, ordersQueue } from '../../functions/adapters/sqs/queue-definitions.ts';

export class OrderQueues extends Construct {
  readonly orders: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Standard queues: redrive and the console's DLQ redrive are simplest there, and the worker is idempotent.
    this.deadLetters = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than the orders queue's: SQS keeps a message's original enqueue time when it dead-letters it.
      retentionPeriod: Duration.seconds(deadLetterQueue.retentionSeconds),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This is the dead-letter queue: a redrive policy of its own would move dead letters on again, and the console could no longer redrive them to the orders queue.',
    });
    this.orders = new Queue(this, 'OrdersQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(ordersQueue.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(ordersQueue.retentionSeconds),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: ordersQueue.maxReceiveCount },
    });
  }
}
