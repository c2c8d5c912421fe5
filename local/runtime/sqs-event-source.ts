/**
 * Drives a handler from an SQS queue the way Lambda's event source mapping does: long-polls batches,
 * invokes the handler with an SQSEvent, deletes what succeeded, leaves failed records to reappear after
 * the visibility timeout (so SQS's redrive policy dead-letters them after maxReceiveCount), and treats a
 * thrown error or a timeout as a failure of the whole batch.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { lambdaContext } from './lambda-context.ts';

export interface SqsEventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
  batchSize: number;
  /** Concurrent invocations, like the event source's maximum concurrency. */
  maxConcurrency: number;
  functionTimeoutMs: number;
  functionName?: string;
  /** Called after every invocation, for progress displays and benchmarks. */
  onInvoke?: (info: { records: number; failed: number; error?: unknown }) => void;
}

export class SqsEventSource {
  private readonly options: SqsEventSourceOptions;
  private running = false;
  private loops: Promise<void>[] = [];
  private inFlight = 0;
  private queueArn = '';

  constructor(options: SqsEventSourceOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const attributes = await this.options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.options.queueUrl, AttributeNames: ['QueueArn'] }));
    this.queueArn = attributes.Attributes?.QueueArn ?? '';
    this.running = true;
    this.loops = Array.from({ length: this.options.maxConcurrency }, () => this.poll());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Resolves once the queue has no visible or in-flight messages and no invocation is running. */
  async waitForIdle(options: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const { Attributes } = await this.options.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.options.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      const pending = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'].reduce(
        (sum, name) => sum + Number(Attributes?.[name as keyof typeof Attributes] ?? 0),
        0,
      );
      if (pending === 0 && this.inFlight === 0) return;
      if (Date.now() > deadline) throw new Error(`queue not idle after ${options.timeoutMs ?? 120_000} ms (${pending} messages pending)`);
      await sleep(options.pollMs ?? 100);
    }
  }

  private async poll(): Promise<void> {
    while (this.running) {
      let messages: Message[];
      try {
        const received = await this.options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: this.options.batchSize,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (!this.running) return;
        console.error('[local] receive failed', error);
        await sleep(500);
        continue;
      }
      if (messages.length === 0) continue;
      this.inFlight += 1;
      try {
        await this.invoke(messages);
      } finally {
        this.inFlight -= 1;
      }
    }
  }

  private async invoke(messages: Message[]): Promise<void> {
    const records = messages.map((message) => this.toRecord(message));
    let failedIds: Set<string>;
    let error: unknown;
    try {
      const response = await withTimeout(
        this.options.handler({ Records: records }, lambdaContext(this.options.functionName ?? 'worker', this.options.functionTimeoutMs)),
        this.options.functionTimeoutMs,
      );
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (caught) {
      error = caught;
      failedIds = new Set(records.map((record) => record.messageId)); // the whole batch returns to the queue
    }
    const succeeded = messages.filter((message) => !failedIds.has(message.MessageId!));
    if (succeeded.length > 0) {
      await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: succeeded.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
    }
    this.options.onInvoke?.({ records: records.length, failed: failedIds.size, error });
  }

  private toRecord(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.queueArn,
      awsRegion: 'us-east-1',
    };
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise,
      sleep(ms, undefined, { signal: timer.signal }).then(() => {
        throw new Error(`Task timed out after ${ms / 1000} seconds`);
      }),
    ]);
  } finally {
    timer.abort();
  }
}
