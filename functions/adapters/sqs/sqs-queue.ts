import type { SQSClient } from '@aws-sdk/client-sqs';

/** What every SQS-backed adapter holds: the client and the one queue it works on. */
export abstract class SqsQueue {
  protected readonly sqs: SQSClient;
  protected readonly queueUrl: string;

  constructor(sqs: SQSClient, queueUrl: string) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }
}
