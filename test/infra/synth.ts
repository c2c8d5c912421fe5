/**
 * Synthesizes the app the way `cdk synth` does (bin/app.ts's buildApp, cdk.json's context and feature flags),
 * with asset bundling skipped so a synth takes a second or two instead of running esbuild five times.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { BcNetSuiteSyncStack } from '../../lib/bc-netsuite-sync-stack.ts';
import { buildApp } from '../../lib/build-app.ts';
import { PROJECT_ROOT } from '../../lib/constructs/service-function.ts';

export const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { app: string; context: Record<string, unknown> };

/** The operator's own alarm topic (a production stage needs an alarm subscriber). */
export const SUBSCRIBER_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:ops-pager';

/** What an operator passes with -c on top of cdk.json. */
export const DEPLOY_CONTEXT = { storeHash: 'abc123', netsuiteAccountId: '1234567_SB1', alarmTopicArn: SUBSCRIBER_TOPIC_ARN };

export interface Synthesized {
  app: App;
  stack: BcNetSuiteSyncStack;
  template: Template;
}

export function synth(context: Record<string, unknown> = {}): Synthesized {
  const app = new App({
    // Path metadata is what the CLI turns on too; the tests find resources by construct path.
    context: { ...cdkJson.context, ...DEPLOY_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
  });
  const stack = buildApp(app);
  return { app, stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string; Metadata?: Record<string, unknown> };

export function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The logical id of the one resource of `type` whose construct path contains `pathPart`. */
export function logicalId(stack: BcNetSuiteSyncStack, template: Template, type: string, pathPart: string): string {
  const matches = Object.entries(resources(template, type)).filter(([, resource]) => String(resource.Metadata?.['aws:cdk:path'] ?? '').includes(pathPart));
  if (matches.length !== 1)
    throw new Error(`expected one ${type} at *${pathPart}*, found ${matches.map(([id]) => id).join(', ') || 'none'} in ${stack.stackName}`);
  return matches[0]![0];
}

export const FUNCTION_PATHS = {
  webhook: '/Webhook/Function/',
  poller: '/Poller/Function/',
  worker: '/Worker/Function/',
  skuRefresh: '/SkuRefresh/Function/',
  notifier: '/DlqNotifier/Function/',
  reconciler: '/Reconciler/Function/',
  fulfilmentPoller: '/FulfilmentPoller/Function/',
} as const;

export type FunctionName = keyof typeof FUNCTION_PATHS;

export function functionId(synthesized: Synthesized, name: FunctionName): string {
  return logicalId(synthesized.stack, synthesized.template, 'AWS::Lambda::Function', FUNCTION_PATHS[name]);
}

export function functionResource(synthesized: Synthesized, name: FunctionName): Resource {
  return resources(synthesized.template, 'AWS::Lambda::Function')[functionId(synthesized, name)]!;
}

/** Every IAM statement attached to the role of `name`'s function (its inline and separate policies). */
export function statementsOf(synthesized: Synthesized, name: FunctionName): Array<{ Action: string | string[]; Resource: unknown; Effect: string }> {
  const roleRef = functionResource(synthesized, name).Properties.Role; // { 'Fn::GetAtt': [roleId, 'Arn'] }
  const roleId = roleRef['Fn::GetAtt'][0] as string;
  const role = resources(synthesized.template, 'AWS::IAM::Role')[roleId]!;
  const inline = (role.Properties.Policies ?? []).flatMap((policy: any) => policy.PolicyDocument.Statement);
  const attached = Object.values(resources(synthesized.template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((ref: any) => ref.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
  return [...inline, ...attached];
}

export function actionsOf(statement: { Action: string | string[] }): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}
