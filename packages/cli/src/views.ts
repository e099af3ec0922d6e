import {
  Environment,
  EnvironmentSummary,
  EnvironmentTemplateSummary,
} from '@envkit/plugin-environments-common';

/**
 * An environment as envkitctl prints it: what scripts need at the top
 * (`endpoint`), without the template snapshot. Secret inputs appear by name
 * only; the API never returns their values.
 */
export interface EnvironmentView {
  id: string;
  name: string;
  phase: string;
  endpoint: string | null;
  owner: string;
  component?: string;
  template: string;
  templateVersion: string;
  /** Absent in lists, which carry summaries. */
  inputs?: Record<string, unknown>;
  secretInputs?: string[];
  outputs: Record<string, string>;
  generation: number;
  observedGeneration: number;
  expiresAt?: string;
  createdAt: string;
  createdBy: string;
  lastError?: { reason: string; message: string; resource?: string };
}

export function environmentView(
  environment: Environment | EnvironmentSummary,
): EnvironmentView {
  const { spec, status } = environment;
  const full = 'inputs' in spec ? spec : undefined;
  return {
    id: environment.id,
    name: spec.name,
    phase: status.phase,
    endpoint: status.outputs?.endpoint ?? null,
    owner: spec.owner,
    ...(spec.component ? { component: spec.component } : {}),
    template: spec.templateRef,
    templateVersion: spec.templateVersion,
    ...(full
      ? { inputs: full.inputs ?? {}, secretInputs: full.secretInputs ?? [] }
      : {}),
    outputs: status.outputs ?? {},
    generation: spec.generation,
    observedGeneration: status.observedGeneration,
    ...(spec.expiresAt ? { expiresAt: spec.expiresAt } : {}),
    createdAt: environment.createdAt,
    createdBy: environment.createdBy,
    ...(status.lastError ? { lastError: status.lastError } : {}),
  };
}

/** One input a template takes, as `templates` lists it. */
export interface TemplateInputView {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  enum?: unknown[];
  policy?: string;
  secret?: boolean;
}

export interface TemplateView {
  ref: string;
  title?: string;
  version: string;
  valid: boolean;
  error?: string;
  inputs: TemplateInputView[];
}

export function templateView(
  summary: EnvironmentTemplateSummary,
): TemplateView {
  const { entity } = summary;
  const parameters = entity.spec?.parameters;
  const required = new Set(parameters?.required ?? []);
  return {
    ref: summary.ref,
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    version: entity.spec?.version,
    valid: summary.valid,
    ...(summary.error ? { error: summary.error } : {}),
    inputs: Object.entries(parameters?.properties ?? {}).map(([name, p]) => ({
      name,
      type: p.type,
      required: required.has(name),
      ...(p.default !== undefined ? { default: p.default } : {}),
      ...(p.enum ? { enum: p.enum } : {}),
      ...(p['envkit:policy'] ? { policy: p['envkit:policy'] } : {}),
      ...(p.secret ? { secret: true } : {}),
    })),
  };
}
