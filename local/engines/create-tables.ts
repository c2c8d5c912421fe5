/** Creates the product's DynamoDB tables (from the same definitions as the stack) in DynamoDB Local. */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../../functions/adapters/dynamodb/table-definitions.ts';

export async function createTables(endpoint: string, tables: Array<{ definition: TableDefinition; name: string }>): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    for (const { definition, name } of tables) {
      try {
        await client.send(
          new CreateTableCommand({
            TableName: name,
            AttributeDefinitions: [{ AttributeName: definition.partitionKey, AttributeType: 'S' }],
            KeySchema: [{ AttributeName: definition.partitionKey, KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
        await client.send(
          new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true } }),
        );
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error; // exists already: keep its data
      }
    }
  } finally {
    client.destroy();
  }
}
