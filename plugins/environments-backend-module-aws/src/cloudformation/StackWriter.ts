import {
  AlreadyExistsException,
  Capability,
  CreateStackCommand,
  DeleteStackCommand,
  Stack,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DriverApplyResult,
  DriverContext,
} from '@envkit/plugin-environments-node';
import { isNoUpdate, isStackBusy, toDriverFailure } from './awsFailures';
import { DesiredStack } from './desiredStack';
import { StackResourceParameters } from './resourceParameters';
import {
  describeStackRef,
  stackOutputs,
  StackReader,
  StackRef,
} from './StackReader';

/** Progress to report while CloudFormation works. */
export const inProgress = (message: string) => ({
  status: 'InProgress' as const,
  message,
});

/**
 * The driver's writes to CloudFormation: each one call with an idempotency
 * token from the engine, so a retried or repeated call changes nothing.
 */
export class StackWriter {
  constructor(private readonly reader: StackReader) {}

  /** Creates the stack, or updates `stack`, and reports the progress. */
  async send(
    operation: 'create' | 'update',
    ref: StackRef & { params: StackResourceParameters },
    desired: DesiredStack,
    ctx: DriverContext,
    stack?: Stack,
  ): Promise<DriverApplyResult> {
    try {
      const capabilities = (ref.params.capabilities ??
        (await this.reader.requiredCapabilities(
          ref,
          desired,
          ctx,
        ))) as Capability[];
      const common = {
        TemplateBody: desired.body,
        Parameters: desired.parameters,
        Tags: desired.tags,
        Capabilities: capabilities,
        ClientRequestToken: ctx.token(operation),
        RoleARN: ref.roleArn,
      };
      await ref.target.cloudFormation.send(
        operation === 'create'
          ? new CreateStackCommand({
              ...common,
              StackName: ref.stackName,
              OnFailure: 'ROLLBACK',
            })
          : new UpdateStackCommand({ ...common, StackName: stack!.StackId }),
        { abortSignal: ctx.signal },
      );
    } catch (error) {
      if (error instanceof AlreadyExistsException) {
        // Another replica (or an earlier, interrupted call) got there first.
        return inProgress(`Stack ${ref.stackName} is being created`);
      }
      if (isNoUpdate(error)) {
        return { status: 'Ready', outputs: stackOutputs(stack!) };
      }
      if (isStackBusy(error)) {
        return inProgress(
          `Stack ${ref.stackName} is busy: ${(error as Error).message}`,
        );
      }
      throw toDriverFailure(error, describeStackRef(ref), 'InvalidTemplate');
    }
    const verb = operation === 'create' ? 'Creating' : 'Updating';
    ctx.logger.info(`${verb} stack ${ref.stackName}`);
    return inProgress(`${verb} stack ${ref.stackName}`);
  }

  /** Deletes `stack`; `operation` names the token (delete or replace). */
  async delete(
    ref: StackRef,
    stack: Stack,
    operation: string,
    ctx: DriverContext,
  ): Promise<void> {
    await ref.target.cloudFormation.send(
      new DeleteStackCommand({
        StackName: stack.StackId,
        ClientRequestToken: ctx.token(operation),
        RoleARN: ref.roleArn,
      }),
      { abortSignal: ctx.signal },
    );
    ctx.logger.info(`Deleting stack ${ref.stackName} (${stack.StackStatus})`);
  }
}
