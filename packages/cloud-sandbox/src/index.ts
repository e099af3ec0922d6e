/**
 * A stateful loopback emulator of the cloud APIs Envkit's drivers call:
 * CloudFormation, ECS and Kubernetes, served by one HTTP server.
 *
 * @packageDocumentation
 */

export { startSandbox, SANDBOX_ACCOUNT_ID } from './sandbox';
export type { Sandbox, SandboxOptions } from './sandbox';
export { SandboxControls } from './controls';
export type { InventoryEntry } from './controls';
export type { ServiceName, ThrottleRule } from './faults';
export type { ProfileName, Profile } from './profiles';
export { profiles } from './profiles';
export { SANDBOX_TOKEN } from './kubeconfig';
export { sandboxClusterConfig } from './clusterConfig';
export { SANDBOX_AWS_KEYS, sandboxAwsCredentials } from './awsCredentials';
export type { SandboxClusterConfig } from './clusterConfig';
export {
  aws,
  kubectl,
  DUMMY_AWS_ENV,
  describeStacksTagged,
  describeService,
} from './realClients';
export type { CommandResult } from './realClients';
