/**
 * What the SQS console's "Start DLQ redrive" (StartMessageMoveTask back to the source queue) does, for the
 * local runtime: fauxqs does not implement move tasks. Each message is sent back to the source queue as a new
 * message and then deleted from the dead-letter queue.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export async function redriveDeadLetters(sqs: SQSClient, deadLetterQueueUrl: string, sourceQueueUrl: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: deadLetterQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) return moved;
    for (const message of Messages) {
      await sqs.send(new SendMessageCommand({ QueueUrl: sourceQueueUrl, MessageBody: message.Body ?? '' }));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle! }));
      moved += 1;
    }
  }
}
