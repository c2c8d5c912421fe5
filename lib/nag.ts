/**
 * cdk-nag v3: the AwsSolutions and Serverless packs run as CDK validation plugins on every synth, and any
 * finding not acknowledged fails it. Acknowledgements are made where the resource is built, each with its reason
 * (`Validations.of(construct).acknowledge`), never for the whole stack.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

export function applyNagPacks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}
