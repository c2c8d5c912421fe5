#!/usr/bin/env node
/**
 * The CDK app: `npx cdk synth|deploy` runs this file directly on Node 24 (type stripping, no build step).
 * Settings come from CDK context (cdk.json, `-c key=value`); see lib/stage-config.ts and the README.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/build-app.ts';

buildApp(new App());
