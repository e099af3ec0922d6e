/**
 * Controls for tests and benchmarks: reset, profile and clock, fault
 * injection, call counters and an inventory of stacks by tag. The same
 * operations are served over HTTP under `/_sandbox/` (see server.ts).
 */
import type { Scheduler } from './clock';
import type { StackStore } from './cloudformation/stacks';
import type { ChangeSetStore } from './cloudformation/changeSets';
import type { EcsState } from './ecs/state';
import type { ElbState } from './elb/state';
import type { CallCounter, Faults, ServiceName, ThrottleRule } from './faults';
import type { KubeControllers } from './kubernetes/controllers';
import type { KubeStore } from './kubernetes/store';
import type { DataServices, TaggedResource } from './tagging/dataServices';
import {
  isProfileName,
  profiles,
  type Profile,
  type ProfileName,
} from './profiles';

/** Why a resource that `failResourceType` fails did not create. */
const SIMULATED_RESOURCE_FAILURE =
  'Resource handler returned message: "Simulated failure injected by the cloud sandbox" (HandlerErrorCode: GeneralServiceException)';
/** What ECS says of a task whose essential container stopped. */
const TASK_EXITED = 'Essential container in task exited';

export interface InventoryEntry {
  stackName: string;
  stackId: string;
  status: string;
  tags: Record<string, string>;
  outputs: Record<string, string>;
}

export interface ControlState {
  profile: () => Profile;
  setProfile: (profile: Profile) => void;
  scheduler: Scheduler;
  faults: Faults;
  calls: CallCounter;
  stacks: StackStore;
  changeSets: ChangeSetStore;
  ecs: EcsState;
  elb?: ElbState;
  kube: KubeStore;
  controllers: KubeControllers;
  url: () => string;
  /** S3 buckets, SQS queues, … that stacks made. */
  data: DataServices;
}

export class SandboxControls {
  constructor(private readonly state: ControlState) {}

  /** Drops every stack, ECS object, Kubernetes object, fault and counter. */
  reset(): void {
    this.state.scheduler.cancelAll();
    this.state.scheduler.resetClock();
    this.state.faults.clear();
    this.state.ecs.releaseHeldTasks();
    this.state.calls.reset();
    this.state.stacks.reset();
    this.state.changeSets.reset();
    this.state.ecs.reset();
    this.state.elb?.reset();
    this.state.kube.reset();
    this.state.data.reset();
    this.state.controllers.bootstrap();
  }

  setProfile(
    name: ProfileName,
    options: { clockMultiplier?: number } = {},
  ): void {
    if (!isProfileName(name))
      throw new Error(`unknown profile ${String(name)}`);
    this.state.setProfile(profiles[name]);
    if (options.clockMultiplier !== undefined)
      this.state.scheduler.setMultiplier(options.clockMultiplier);
  }

  /** Compresses (or stretches) simulated time: 10 runs realistic 10× faster. */
  setClockMultiplier(multiplier: number): void {
    this.state.scheduler.setMultiplier(multiplier);
  }

  profile(): { name: ProfileName; clockMultiplier: number } {
    return {
      name: this.state.profile().name,
      clockMultiplier: this.state.scheduler.getMultiplier(),
    };
  }

  /** Moves the sandbox clock forward, e.g. past a token's expiry. */
  advanceClock(seconds: number): void {
    this.state.scheduler.advance(seconds * 1000);
  }

  throttle(rule: ThrottleRule): void {
    this.state.faults.throttle(rule);
  }

  addLatency(service: ServiceName, ms: number): void {
    this.state.faults.latencyMs.set(service, ms);
  }

  /** Resources of this CloudFormation type fail to create with `reason`. */
  failResourceType(
    resourceType: string,
    reason = SIMULATED_RESOURCE_FAILURE,
  ): void {
    this.state.faults.failingResourceTypes.set(resourceType, reason);
  }

  /** Tasks of this ECS service stop right after starting. */
  failServiceTasks(serviceName: string, reason = TASK_EXITED): void {
    this.state.faults.failingServiceTasks.set(serviceName, reason);
  }

  /**
   * Every ECS task that runs `image` (exactly as the task definition names
   * it, e.g. `nginx:broken`) stops right after starting, whatever service
   * it belongs to: an image that never becomes healthy. With the deployment
   * circuit breaker on, its deployment fails after three tasks (and, with
   * rollback, ECS returns to the last completed deployment).
   */
  failImageTasks(image: string, reason = TASK_EXITED): void {
    this.state.faults.failingImages.set(image, reason);
  }

  /**
   * New tasks of this ECS service stay PROVISIONING until
   * {@link SandboxControls.releaseServiceTasks}, so a rollout can be looked
   * at halfway: the new deployment PRIMARY, the old one still ACTIVE.
   */
  holdServiceTasks(serviceName: string): void {
    this.state.faults.heldServiceTasks.add(serviceName);
  }

  /** Lets the held tasks of this ECS service start. */
  releaseServiceTasks(serviceName: string): void {
    this.state.faults.heldServiceTasks.delete(serviceName);
    this.state.ecs.releaseHeldTasks(serviceName);
  }

  /** Keeps a namespace Terminating, as a stuck finalizer does. */
  hangNamespaceDeletion(
    namespace: string,
    finalizer = 'example.com/stuck-finalizer',
  ): void {
    this.state.faults.hungNamespaces.set(namespace, { finalizer });
  }

  /** Lets a hung namespace finish deleting. */
  releaseNamespace(namespace: string): void {
    this.state.faults.hungNamespaces.delete(namespace);
    this.state.controllers.finishNamespaceDeletion(namespace);
  }

  clearFaults(): void {
    this.state.faults.clear();
    this.state.ecs.releaseHeldTasks();
  }

  faults() {
    return this.state.faults.describe();
  }

  calls(): Record<string, Record<string, number>> {
    return this.state.calls.snapshot();
  }

  callCount(service: ServiceName, action: string): number {
    return this.state.calls.get(service, action);
  }

  resetCalls(): void {
    this.state.calls.reset();
  }

  /** How many stacks ListStacks returns per page. */
  setListStacksPageSize(size: number): void {
    this.state.stacks.pageSize = size;
  }

  /** Live stacks, optionally only those carrying tag `key` (with `value`). */
  inventory(tag?: { key: string; value?: string }): InventoryEntry[] {
    return this.state.stacks
      .all()
      .filter(s => s.status !== 'DELETE_COMPLETE')
      .filter(
        s =>
          !tag ||
          s.tags.some(
            t =>
              t.Key === tag.key &&
              (tag.value === undefined || t.Value === tag.value),
          ),
      )
      .map(s => ({
        stackName: s.stackName,
        stackId: s.stackId,
        status: s.status,
        tags: Object.fromEntries(s.tags.map(t => [t.Key, t.Value])),
        outputs: Object.fromEntries(s.outputs.map(o => [o.key, o.value])),
      }));
  }

  /**
   * Data-service resources (buckets, queues, …), optionally only those
   * carrying tag `key` (with `value`): what a stack left behind.
   */
  taggedResources(tag?: { key: string; value?: string }): TaggedResource[] {
    return this.state.data.tagged(tag);
  }

  /**
   * Whether the DB instance `identifier` was given, as its master password,
   * the `jsonKey` of the secret `secretId` (what a dynamic reference in its
   * template resolves to). Answers yes or no; neither value leaves.
   */
  masterPasswordMatches(
    identifier: string,
    secretId: string,
    jsonKey = 'password',
  ): boolean {
    const instance = this.state.data.rds.byId.get(identifier);
    const value = this.state.data.secrets.value(secretId);
    if (!instance?.masterUserPassword || value === undefined) return false;
    let expected: unknown = value;
    try {
      expected = (JSON.parse(value) as Record<string, unknown>)[jsonKey];
    } catch {
      // A plain-text secret: the whole string is the password.
    }
    return instance.masterUserPassword === expected;
  }

  /** The sandbox page that stands for an ALB DNS name or ingress host. */
  endpointUrlFor(dnsName: string): string {
    return `${this.state.url()}/_sandbox/endpoints/${encodeURIComponent(
      dnsName,
    )}`;
  }
}
