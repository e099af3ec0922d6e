import { ApiHolder, useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import {
  environmentNameProblem,
  type EnvironmentNameAvailability,
} from '@envkit/plugin-environments-common';
import TextField from '@material-ui/core/TextField';
import { useEffect, useState } from 'react';
import { environmentsApiRef } from '../../api';

/** How long typing must pause before the name is checked with the backend. */
export const NAME_CHECK_DEBOUNCE_MS = 300;

/** Why `name` cannot be used, in a sentence; undefined when it can. */
function ruleProblem(name: string): string | undefined {
  const problem = environmentNameProblem(name);
  return problem ? `The name ${problem}` : undefined;
}

type Check =
  | { state: 'idle' }
  | { state: 'checking'; name: string }
  | { state: 'done'; answer: EnvironmentNameAvailability }
  | { state: 'failed'; name: string; message: string };

/**
 * `EnvironmentName`: the name of a new environment, checked as you type:
 * the naming rules at once, then whether a live environment already has it
 * (`GET /environment-names/{name}`), so a taken name is refused on this page
 * rather than by a failed task.
 */
export const EnvironmentNameField = (
  props: FieldExtensionComponentProps<string>,
) => {
  const {
    formData,
    onChange,
    schema,
    rawErrors,
    required,
    disabled,
    readonly,
    idSchema,
  } = props;
  const api = useApi(environmentsApiRef);
  const name = formData ?? '';
  const [check, setCheck] = useState<Check>({ state: 'idle' });
  const problem = name ? ruleProblem(name) : undefined;

  useEffect(() => {
    if (!name || problem) {
      setCheck({ state: 'idle' });
      return undefined;
    }
    let cancelled = false;
    setCheck({ state: 'checking', name });
    const timer = setTimeout(() => {
      api
        .checkEnvironmentName(name)
        .then(answer => {
          if (!cancelled) setCheck({ state: 'done', answer });
        })
        .catch((e: Error) => {
          if (!cancelled) {
            setCheck({ state: 'failed', name, message: e.message });
          }
        });
    }, NAME_CHECK_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, name, problem]);

  let helper: string | undefined = schema.description;
  let error = Boolean(rawErrors?.length);
  if (problem) {
    helper = problem;
    error = true;
  } else if (check.state === 'checking') {
    helper = `Checking whether '${name}' is free…`;
  } else if (check.state === 'done' && check.answer.name === name) {
    helper = check.answer.available
      ? `'${name}' is free`
      : check.answer.reason ?? `'${name}' cannot be used`;
    error = !check.answer.available;
  } else if (check.state === 'failed') {
    helper = `Could not check the name yet: ${check.message}`;
  }
  if (helper && rawErrors?.includes(helper)) {
    // The form already prints its errors under the field: say it once.
    helper = schema.description;
  }

  return (
    <TextField
      id={idSchema?.$id}
      label={schema.title ?? 'Name'}
      value={name}
      required={required}
      disabled={disabled || readonly}
      error={error}
      helperText={helper}
      onChange={e =>
        onChange(e.target.value === '' ? undefined : e.target.value)
      }
      margin="normal"
      fullWidth
      inputProps={{ autoComplete: 'off', spellCheck: false }}
    />
  );
};

/**
 * The field's check when the form moves on: the same rules, and a name a
 * live environment has is refused, with the backend's reason.
 */
export async function validateEnvironmentName(
  value: string | undefined,
  validation: { addError(message: string): void },
  context: { apiHolder: ApiHolder },
): Promise<void> {
  if (!value) return;
  const problem = ruleProblem(value);
  if (problem) {
    validation.addError(problem);
    return;
  }
  const api = context.apiHolder.get(environmentsApiRef);
  if (!api) return;
  const answer = await api.checkEnvironmentName(value);
  if (!answer.available) {
    validation.addError(answer.reason ?? `'${value}' cannot be used`);
  }
}
