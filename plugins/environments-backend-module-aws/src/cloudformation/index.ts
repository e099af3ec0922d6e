export { CloudFormationDriver } from './CloudFormationDriver';
export { STACK_TAGS } from './desiredStack';
export type { CloudFormationDriverOptions } from './CloudFormationDriver';
export { AwsRateLimiter } from './AwsRateLimiter';
export type { AwsRateLimiterOptions } from './AwsRateLimiter';
export { EcsServiceStatusBatcher } from './EcsServiceStatusBatcher';
export { BUILTIN_TEMPLATES, MAX_TEMPLATE_BODY_BYTES } from './templateSource';
export type { AwsTarget } from './AwsClients';
export type { CloudFormationAccountOptions } from './config';
