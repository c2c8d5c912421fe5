/**
 * The shipment ledger, in the ledger table under its own keys: `shipment#<store>#<fulfilment>#<address>` is the claim
 * on one BigCommerce shipment (a conditional write before the POST), `fulfilment#<store>#<fulfilment>` what became
 * of the fulfilment. These items carry none of the attributes the table's indexes key on (`state`,
 * `reconcileState`, `emailHash`, `updatedAt`, `syncedAt`), so the order views never see them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FulfilmentRecord, ShipmentClaim, ShipmentLedger, WatchedFulfilment } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

export const SHIPMENT_KEY_PREFIX = 'shipment#';
export const FULFILMENT_KEY_PREFIX = 'fulfilment#';

export class DynamoDbShipmentLedger extends DynamoDbTable implements ShipmentLedger {
  private readonly storeHash: string;

  constructor(db: DynamoDBDocumentClient, tableName: string, storeHash: string, now?: () => number) {
    super(db, tableName, now);
    this.storeHash = storeHash;
  }

  private shipmentKey(fulfilmentId: string, addressId: number) {
    return { pk: `${SHIPMENT_KEY_PREFIX}${this.storeHash}#${fulfilmentId}#${addressId}` };
  }

  private fulfilmentKey(fulfilmentId: string) {
    return { pk: `${FULFILMENT_KEY_PREFIX}${this.storeHash}#${fulfilmentId}` };
  }

  async claim(fulfilmentId: string, addressId: number, owner: string, leaseMs: number): Promise<ShipmentClaim> {
    const now = this.now();
    const key = this.shipmentKey(fulfilmentId, addressId);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET shipmentState = :posting, #owner = :owner, leaseExpiresAt = :until, claimedAt = :iso ADD attempts :one',
          // Absent, or claimed by a run that died (or gave the claim up) before recording a shipment.
          ConditionExpression: 'attribute_not_exists(pk) OR (shipmentState = :posting AND (leaseExpiresAt < :now OR #owner = :owner))',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':posting': 'posting',
            ':owner': owner,
            ':until': now + leaseMs,
            ':now': now,
            ':iso': new Date(now).toISOString(),
            ':one': 1,
          },
        }),
      );
      return { outcome: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const item = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
    if (item?.shipmentState === 'posted') return { outcome: 'posted', shipmentId: Number(item.shipmentId) };
    return { outcome: 'busy' };
  }

  async markPosted(fulfilmentId: string, addressId: number, shipmentId: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.shipmentKey(fulfilmentId, addressId),
        UpdateExpression: 'SET shipmentState = :posted, shipmentId = :id, postedAt = :iso REMOVE leaseExpiresAt',
        ExpressionAttributeValues: { ':posted': 'posted', ':id': shipmentId, ':iso': new Date(this.now()).toISOString() },
      }),
    );
  }

  async release(fulfilmentId: string, addressId: number, owner: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.shipmentKey(fulfilmentId, addressId),
          // Expired at once: the next attempt takes it over (and reads the shipments before posting).
          UpdateExpression: 'SET leaseExpiresAt = :zero',
          ConditionExpression: '#owner = :owner AND shipmentState = :posting',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':zero': 0, ':owner': owner, ':posting': 'posting' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async getRecord(fulfilmentId: string): Promise<FulfilmentRecord | undefined> {
    const item = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: this.fulfilmentKey(fulfilmentId), ConsistentRead: true }))).Item;
    if (!item) return undefined;
    return {
      state: item.fulfilmentState as FulfilmentRecord['state'],
      modifiedAtMs: Number(item.modifiedAtMs),
      fingerprint: String(item.fingerprint),
      shipmentIds: (item.shipmentIds as number[] | undefined) ?? [],
      ...(item.orderId !== undefined ? { orderId: Number(item.orderId) } : {}),
      ...(item.reason !== undefined ? { reason: String(item.reason) } : {}),
      ...(item.writtenBack !== undefined ? { writtenBack: Boolean(item.writtenBack) } : {}),
    };
  }

  async getWatch(): Promise<WatchedFulfilment[]> {
    const item = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: this.fulfilmentKey('watch'), ConsistentRead: true }))).Item;
    return (item?.watched as WatchedFulfilment[] | undefined) ?? [];
  }

  async putWatch(watched: WatchedFulfilment[]): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...this.fulfilmentKey('watch'), watched } }));
  }

  async putRecord(fulfilmentId: string, record: FulfilmentRecord): Promise<void> {
    const { state, ...rest } = record;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...this.fulfilmentKey(fulfilmentId), fulfilmentState: state, ...rest, recordedAt: new Date(this.now()).toISOString() },
      }),
    );
  }
}
