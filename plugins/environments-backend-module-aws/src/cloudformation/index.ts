export { CloudFormationDriver, STACK_TAGS } from './CloudFormationDriver';
export type { CloudFormationDriverOptions } from './CloudFormationDriver';
export { AwsRateLimiter, isThrottlingError } from './AwsRateLimiter';
export type { AwsRateLimiterOptions } from './AwsRateLimiter';
export { EcsServiceStatusBatcher } from './EcsServiceStatusBatcher';
export { BUILTIN_TEMPLATES, MAX_TEMPLATE_BODY_BYTES } from './templateSource';
