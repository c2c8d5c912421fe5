/**
 * Starts one DynamoDB Local for the whole jest run and hands its endpoint to the test files through the
 * environment. Test files create their own uniquely named tables, so they never see each other's data.
 */
import { startDynamoDbLocal, type RunningDynamoDb } from '../../local/engines/dynamodb-local.ts';

declare global {
  var __DYNAMODB__: RunningDynamoDb | undefined;
}

export default async function globalSetup(): Promise<void> {
  const dynamodb = await startDynamoDbLocal();
  globalThis.__DYNAMODB__ = dynamodb;
  process.env.TEST_DYNAMODB_ENDPOINT = dynamodb.endpoint;
}
