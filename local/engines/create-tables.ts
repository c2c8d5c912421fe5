/** Creates the product's DynamoDB tables (from the same definitions as the stack) in DynamoDB Local. */
import { CreateTableCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../../functions/adapters/dynamodb/table-definitions.ts';

export async function createTables(endpoint: string, tables: Array<{ definition: TableDefinition; name: string }>): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    for (const { definition, name } of tables) {
      try {
        const indexes = definition.indexes ?? [];
        const attributes = [...new Set([definition.partitionKey, ...indexes.flatMap((index) => [index.partitionKey, index.sortKey])])];
        await client.send(
          new CreateTableCommand({
            TableName: name,
            AttributeDefinitions: attributes.map((attribute) => ({ AttributeName: attribute, AttributeType: 'S' })),
            KeySchema: [{ AttributeName: definition.partitionKey, KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
            ...(indexes.length > 0
              ? {
                  GlobalSecondaryIndexes: indexes.map((index) => ({
                    IndexName: index.name,
                    KeySchema: [
                      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
                      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
                    ],
                    Projection: { ProjectionType: index.keysOnly ? ('KEYS_ONLY' as const) : ('ALL' as const) },
                  })),
                }
              : {}),
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
