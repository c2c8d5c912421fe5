/** The fauxqs SQS emulator, in process, plus the product's queues created from the stack's definitions. */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { deadLetterQueue, ordersQueue } from '../../functions/adapters/sqs/queue-definitions.ts';

export interface RunningSqs {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startSqs(port = 0): Promise<RunningSqs> {
  const server = await startFauxqs({ port, logger: false });
  return { endpoint: server.address, stop: () => server.stop() };
}

export interface QueueUrls {
  ordersQueueUrl: string;
  deadLetterQueueUrl: string;
}

/** Creates the orders queue and its dead-letter queue with the same settings the CDK stack deploys. */
export async function createQueues(sqs: SQSClient, prefix: string, overrides: { visibilityTimeoutSeconds?: number } = {}): Promise<QueueUrls> {
  const dlq = await sqs.send(
    new CreateQueueCommand({ QueueName: `${prefix}-${deadLetterQueue.id}`, Attributes: { MessageRetentionPeriod: String(deadLetterQueue.retentionSeconds) } }),
  );
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl!, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${prefix}-${ordersQueue.id}`,
      Attributes: {
        VisibilityTimeout: String(overrides.visibilityTimeoutSeconds ?? ordersQueue.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(ordersQueue.retentionSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: ordersQueue.maxReceiveCount }),
      },
    }),
  );
  return { ordersQueueUrl: queue.QueueUrl!, deadLetterQueueUrl: dlq.QueueUrl! };
}
