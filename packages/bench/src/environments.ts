import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import YAML from 'yaml';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type {
  EnvironmentSpec,
  EnvironmentStatus,
  EnvironmentTemplateSpec,
  InputValue,
} from '@envkit/plugin-environments-common';

/** This package's directory, and the repository root two levels up. */
export const BENCH_ROOT = resolvePackagePath('@envkit/bench');
export const REPO_ROOT = resolve(BENCH_ROOT, '..', '..');
export const BENCH_TEMPLATES = join(BENCH_ROOT, 'templates');

export function benchTemplate(name: string): string {
  return readFileSync(join(BENCH_TEMPLATES, name), 'utf8');
}

/** The spec of one of the example EnvironmentTemplates in `examples/templates`. */
export function exampleTemplateSpec(file: string): EnvironmentTemplateSpec {
  const doc = YAML.parse(
    readFileSync(join(REPO_ROOT, 'examples', 'templates', file), 'utf8'),
  );
  return doc.spec as EnvironmentTemplateSpec;
}

export interface SeedEnvironment {
  id: string;
  spec: EnvironmentSpec;
  status: EnvironmentStatus;
  createdBy: string;
}

/** The defaults `template` declares for its inputs. */
function defaultInputs(
  template: EnvironmentTemplateSpec,
): Record<string, InputValue> {
  return Object.fromEntries(
    Object.entries(template.parameters?.properties ?? {}).flatMap(
      ([name, parameter]) =>
        parameter.default === undefined ? [] : [[name, parameter.default]],
    ),
  );
}

/** A new (Pending) environment made from `template`. */
export function pendingEnvironment(options: {
  name: string;
  template: EnvironmentTemplateSpec;
  templateRef: string;
  inputs: Record<string, InputValue>;
  owner?: string;
}): SeedEnvironment {
  const owner = options.owner ?? 'group:default/team-bench';
  return {
    id: randomUUID(),
    createdBy: 'user:default/bench',
    spec: {
      name: options.name,
      templateRef: options.templateRef,
      templateVersion: options.template.version,
      templateSnapshot: options.template,
      // As the API records them: the template's defaults filled in.
      inputs: { ...defaultInputs(options.template), ...options.inputs },
      owner,
      generation: 1,
    },
    status: {
      phase: 'Pending',
      conditions: [],
      resources: [],
      outputs: {},
      observedGeneration: 0,
    },
  };
}

/** Marks `env` Ready with its resources Ready, as the engine leaves it. */
export function markReady(
  env: SeedEnvironment,
  outputs: Record<string, Record<string, string>> = {},
): SeedEnvironment {
  const now = new Date().toISOString();
  return {
    ...env,
    status: {
      phase: 'Ready',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'AllResourcesReady',
          message: 'Every resource is ready',
          lastTransitionTime: now,
        },
      ],
      resources: env.spec.templateSnapshot.resources.map(r => ({
        name: r.name,
        driver: r.driver,
        phase: 'Ready' as const,
        outputs: outputs[r.name] ?? {},
        updatedAt: now,
      })),
      outputs: {},
      observedGeneration: env.spec.generation,
    },
  };
}

/**
 * An ECS template of the platform team with no inputs of its own: the
 * bench's templates differ only in their resources and outputs.
 */
export function ecsTemplate(
  resources: EnvironmentTemplateSpec['resources'],
  outputs: EnvironmentTemplateSpec['outputs'] = {},
): EnvironmentTemplateSpec {
  return {
    type: 'ecs',
    version: '1.0.0',
    owner: 'group:default/platform-team',
    parameters: { properties: {} },
    resources,
    outputs,
  } as EnvironmentTemplateSpec;
}

/** A one-resource ECS template as the status sweep seeds it. */
export function ecsSweepTemplate(): EnvironmentTemplateSpec {
  return ecsTemplate([
    {
      name: 'service',
      driver: 'aws-cloudformation',
      parameters: { template: 'builtin:ecs-service', region: 'us-east-1' },
    },
  ]);
}
