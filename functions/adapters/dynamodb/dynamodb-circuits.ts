/**
 * The circuits of BigCommerce and NetSuite, one ledger item each (`circuit#<service>`), shared by every worker,
 * the poller and the notifier. Counting and opening are conditional writes, so exactly one caller opens a circuit
 * (and exactly one probes at a time) however many workers fail together.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CircuitFailure, CircuitService, CircuitState, CircuitStore } from '../../core/ports.ts';
import { DynamoDbTable } from './dynamodb-table.ts';

export const CIRCUIT_KEY_PREFIX = 'circuit#';
const SERVICES: CircuitService[] = ['bigcommerce', 'netsuite'];
const key = (service: CircuitService) => ({ pk: `${CIRCUIT_KEY_PREFIX}${service}` });
const COUNTERS = { auth_suspect: 'suspectFailures', outage: 'outageFailures' } as const;

export class DynamoDbCircuits extends DynamoDbTable implements CircuitStore {
  async read(): Promise<Map<CircuitService, CircuitState>> {
    const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: SERVICES.map(key), ConsistentRead: true } } }));
    const items = new Map((result.Responses?.[this.tableName] ?? []).map((item) => [String(item.pk).slice(CIRCUIT_KEY_PREFIX.length), item]));
    return new Map(SERVICES.map((service) => [service, toState(service, items.get(service))]));
  }

  async recordFailure(failure: CircuitFailure, threshold: number, firstProbeInMs: number): Promise<{ open: boolean; opened: boolean }> {
    let count = threshold;
    if (failure.kind !== 'auth') {
      const counter = COUNTERS[failure.kind];
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(failure.service),
          UpdateExpression: `ADD ${counter} :one SET lastFailure = :reason`,
          ExpressionAttributeValues: { ':one': 1, ':reason': failure.reason.slice(0, 500) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      count = Number(result.Attributes?.[counter] ?? 0);
    }
    if (count < threshold) return { open: (await this.read()).get(failure.service)!.open, opened: false };
    const now = this.now();
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(failure.service),
          UpdateExpression:
            'SET isOpen = :true, kind = :kind, reason = :reason, openedAt = :now, nextProbeAt = :probe, probeIntervalMs = :interval, suspectFailures = :zero, outageFailures = :zero',
          ConditionExpression: 'attribute_not_exists(isOpen) OR isOpen = :false',
          ExpressionAttributeValues: {
            ':true': true,
            ':false': false,
            ':kind': failure.kind,
            ':reason': failure.reason.slice(0, 500),
            ':now': now,
            ':probe': now + firstProbeInMs,
            ':interval': firstProbeInMs,
            ':zero': 0,
          },
        }),
      );
      return { open: true, opened: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { open: true, opened: false }; // open already
      throw error;
    }
  }

  async recordSuccess(service: CircuitService): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(service),
        UpdateExpression: 'SET suspectFailures = :zero, outageFailures = :zero',
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
  }

  async claimProbe(service: CircuitService, maxIntervalMs: number): Promise<boolean> {
    const now = this.now();
    const current = (await this.read()).get(service)!;
    if (!current.open || (current.nextProbeAt ?? 0) > now) return false;
    const interval = Math.min(maxIntervalMs, Math.max(1, (current.probeIntervalMs ?? 0) * 2));
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(service),
          UpdateExpression: 'SET nextProbeAt = :next, probeIntervalMs = :interval',
          // Exactly one prober: whoever moves the time it read.
          ConditionExpression: 'isOpen = :true AND nextProbeAt = :seen',
          ExpressionAttributeValues: { ':next': now + interval, ':interval': interval, ':true': true, ':seen': current.nextProbeAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async close(service: CircuitService): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(service),
        UpdateExpression: 'SET isOpen = :false, closedAt = :now, suspectFailures = :zero, outageFailures = :zero REMOVE nextProbeAt',
        ExpressionAttributeValues: { ':false': false, ':now': this.now(), ':zero': 0 },
      }),
    );
  }
}

function toState(service: CircuitService, item: Record<string, unknown> | undefined): CircuitState {
  return {
    service,
    open: item?.isOpen === true,
    suspectFailures: Number(item?.suspectFailures ?? 0),
    outageFailures: Number(item?.outageFailures ?? 0),
    ...(item?.kind ? { kind: item.kind as CircuitState['kind'] } : {}),
    ...(item?.reason ? { reason: String(item.reason) } : {}),
    ...(item?.openedAt !== undefined ? { openedAt: Number(item.openedAt) } : {}),
    ...(item?.nextProbeAt !== undefined ? { nextProbeAt: Number(item.nextProbeAt) } : {}),
    ...(item?.probeIntervalMs !== undefined ? { probeIntervalMs: Number(item.probeIntervalMs) } : {}),
  };
}
