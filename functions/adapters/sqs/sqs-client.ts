/** One SQS client per process, pointed at a local emulator when an endpoint is configured. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../../common/powertools.ts';

export function createSqsClient(options: { region: string; sqsEndpoint?: string }): SQSClient {
  return tracer.captureAWSv3Client(
    new SQSClient({
      region: options.region,
      ...(options.sqsEndpoint ? { endpoint: options.sqsEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    }),
  );
}
