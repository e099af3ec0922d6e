/**
 * Change sets: a preview of what CreateStack/UpdateStack would do, executed
 * later. `aws cloudformation deploy` goes through these.
 */
import { AwsError } from '../aws/query';
import type { SandboxContext } from '../context';
import { uuid } from '../util/ids';
import { evaluate, NO_VALUE } from './intrinsics';
import { noEchoNames } from './noEcho';
import type { Stack, StackInput, StackStore } from './stacks';

export interface ResourceChange {
  action: 'Add' | 'Modify' | 'Remove';
  logicalId: string;
  physicalId?: string;
  resourceType: string;
  replacement?: 'False';
}

export interface ChangeSet {
  changeSetId: string;
  changeSetName: string;
  stackId: string;
  stackName: string;
  type: 'CREATE' | 'UPDATE';
  input: StackInput;
  description?: string;
  status: 'CREATE_COMPLETE' | 'FAILED' | 'DELETE_COMPLETE';
  statusReason?: string;
  executionStatus:
    | 'AVAILABLE'
    | 'UNAVAILABLE'
    | 'EXECUTE_IN_PROGRESS'
    | 'EXECUTE_COMPLETE'
    | 'EXECUTE_FAILED'
    | 'OBSOLETE';
  creationTime: Date;
  changes: ResourceChange[];
  /** Parameters the template declares `NoEcho`: masked when described. */
  noEcho: Set<string>;
}

const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

export class ChangeSetStore {
  private changeSets: ChangeSet[] = [];

  constructor(
    private readonly ctx: SandboxContext,
    private readonly stacks: StackStore,
  ) {}

  reset(): void {
    this.changeSets = [];
  }

  create(
    name: string,
    type: 'CREATE' | 'UPDATE',
    input: StackInput,
    description?: string,
  ): ChangeSet {
    const existing = this.stacks.find(input.stackName);
    if (
      type === 'CREATE' &&
      existing &&
      existing.status !== 'REVIEW_IN_PROGRESS'
    ) {
      throw new AwsError(
        'AlreadyExistsException',
        `Stack [${input.stackName}] already exists`,
      );
    }
    if (
      type === 'UPDATE' &&
      (!existing || existing.status === 'REVIEW_IN_PROGRESS')
    ) {
      throw new AwsError(
        'ValidationError',
        `Stack [${input.stackName}] does not exist`,
      );
    }
    const stack = existing ?? this.stacks.createForReview(input.stackName);
    const templateBody = input.templateBody || stack.templateBody;
    const prepared = this.stacks.prepare(
      templateBody,
      input.parameters,
      stack.stackName,
      stack.stackId,
      stack.parameters,
    );
    const changeSet: ChangeSet = {
      changeSetId: `arn:aws:cloudformation:${this.ctx.region}:${
        this.ctx.accountId
      }:changeSet/${name}/${uuid()}`,
      changeSetName: name,
      stackId: stack.stackId,
      stackName: stack.stackName,
      type,
      input: { ...input, templateBody },
      description,
      status: 'CREATE_COMPLETE',
      executionStatus: 'AVAILABLE',
      creationTime: new Date(),
      changes: this.diff(
        stack,
        prepared.active,
        prepared.template.Resources,
        prepared.parameters,
      ),
      noEcho: noEchoNames(prepared.template),
    };
    if (changeSet.changes.length === 0) {
      changeSet.status = 'FAILED';
      changeSet.statusReason = NO_CHANGES;
      changeSet.executionStatus = 'UNAVAILABLE';
    }
    this.changeSets.push(changeSet);
    return changeSet;
  }

  /** Add for new resources, Remove for dropped ones, Modify where properties would change. */
  private diff(
    stack: Stack,
    active: string[],
    declarations: Stack['template']['Resources'],
    parameters: Record<string, string>,
  ): ResourceChange[] {
    const changes: ResourceChange[] = [];
    const parametersChanged =
      JSON.stringify(parameters) !== JSON.stringify(stack.parameters);
    for (const id of active) {
      const current = stack.resources.get(id);
      if (!current?.physicalId) {
        changes.push({
          action: 'Add',
          logicalId: id,
          resourceType: declarations[id].Type,
        });
        continue;
      }
      const before = JSON.stringify(stack.template.Resources[id]);
      const after = JSON.stringify(declarations[id]);
      if (
        before !== after ||
        (parametersChanged &&
          this.wouldChange(stack, id, declarations, parameters))
      ) {
        changes.push({
          action: 'Modify',
          logicalId: id,
          physicalId: current.physicalId,
          resourceType: current.type,
          replacement: 'False',
        });
      }
    }
    for (const [id, resource] of stack.resources) {
      if (!active.includes(id) && resource.physicalId) {
        changes.push({
          action: 'Remove',
          logicalId: id,
          physicalId: resource.physicalId,
          resourceType: resource.type,
        });
      }
    }
    return changes;
  }

  private wouldChange(
    stack: Stack,
    id: string,
    declarations: Stack['template']['Resources'],
    parameters: Record<string, string>,
  ): boolean {
    try {
      const resolved = evaluate(declarations[id].Properties ?? {}, {
        region: this.ctx.region,
        accountId: this.ctx.accountId,
        stackName: stack.stackName,
        stackId: stack.stackId,
        parameters,
        conditions: stack.conditions,
        mappings: stack.template.Mappings,
        resourceRef: ref => stack.resources.get(ref)?.physicalId,
        resourceAttribute: (ref, attribute) =>
          stack.resources.get(ref)?.attributes[attribute],
      });
      const current = stack.resources.get(id)?.properties ?? {};
      return (
        JSON.stringify(resolved === NO_VALUE ? {} : resolved) !==
        JSON.stringify(current)
      );
    } catch {
      return true;
    }
  }

  find(nameOrArn: string, stackName?: string): ChangeSet {
    const found = this.changeSets.find(c =>
      nameOrArn.startsWith('arn:')
        ? c.changeSetId === nameOrArn
        : c.changeSetName === nameOrArn &&
          (!stackName || c.stackName === stackName || c.stackId === stackName),
    );
    if (!found || found.status === 'DELETE_COMPLETE') {
      throw new AwsError(
        'ChangeSetNotFound',
        `ChangeSet [${nameOrArn}] does not exist`,
        404,
      );
    }
    return found;
  }

  list(stackName: string): ChangeSet[] {
    const stack = this.stacks.get(stackName);
    return this.changeSets.filter(
      c => c.stackId === stack.stackId && c.status !== 'DELETE_COMPLETE',
    );
  }

  /** The execution status, following the stack once the change set runs. */
  executionStatus(changeSet: ChangeSet): ChangeSet['executionStatus'] {
    if (changeSet.executionStatus !== 'EXECUTE_IN_PROGRESS')
      return changeSet.executionStatus;
    const status = this.stacks.find(changeSet.stackId)?.status ?? '';
    if (status.endsWith('_IN_PROGRESS')) return 'EXECUTE_IN_PROGRESS';
    return status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE'
      ? 'EXECUTE_COMPLETE'
      : 'EXECUTE_FAILED';
  }

  execute(nameOrArn: string, stackName?: string): void {
    const changeSet = this.find(nameOrArn, stackName);
    if (changeSet.executionStatus !== 'AVAILABLE') {
      throw new AwsError(
        'InvalidChangeSetStatus',
        `ChangeSet [${changeSet.changeSetId}] cannot be executed in its current status of [${changeSet.status}]`,
      );
    }
    if (changeSet.type === 'CREATE') this.stacks.create(changeSet.input);
    else this.stacks.update(changeSet.input);
    changeSet.executionStatus = 'EXECUTE_IN_PROGRESS';
    for (const other of this.changeSets) {
      if (
        other !== changeSet &&
        other.stackId === changeSet.stackId &&
        other.executionStatus === 'AVAILABLE'
      ) {
        other.executionStatus = 'OBSOLETE';
      }
    }
  }

  delete(nameOrArn: string, stackName?: string): void {
    const changeSet = this.find(nameOrArn, stackName);
    changeSet.status = 'DELETE_COMPLETE';
    const stack = this.stacks.find(changeSet.stackId);
    // Deleting the only change set of a never-executed stack removes that stack too.
    if (
      stack?.status === 'REVIEW_IN_PROGRESS' &&
      this.list(stack.stackId).length === 0
    ) {
      this.stacks.delete(stack.stackId);
    }
  }
}
