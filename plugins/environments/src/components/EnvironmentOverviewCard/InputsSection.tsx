import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  parameterPolicy,
  resolveInputs,
  type Environment,
  type EnvironmentTemplateParameter,
  environmentUpdatePermission,
} from '@envkit/plugin-environments-common';
import { useApi } from '@backstage/core-plugin-api';
import { toastApiRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { DataTable, PARAMETER_POLICY_TEXT, type DataColumn } from '../shared';
import { NO_WRAP, Section, WHOLE_WORDS } from '../shared/layout';
import { ConfirmDialog } from './ConfirmDialog';
import { useAttempt } from './useAttempt';

/** One input as the page shows it; a secret input never carries its value. */
export interface InputRow {
  name: string;
  title: string;
  parameter?: EnvironmentTemplateParameter;
  /** The current value as text; undefined for a secret or an unset input. */
  value?: string;
  secret: boolean;
  /** A developer may change it after creation. */
  editable: boolean;
}

/**
 * The environment's inputs in the template's order: each declared parameter
 * (locked ones included, so the page says what they are fixed to), then any
 * stored input the snapshot does not declare.
 */
export function inputRows(environment: Environment): InputRow[] {
  const { spec } = environment;
  const properties = spec.templateSnapshot?.parameters?.properties ?? {};
  const secretNames = new Set(spec.secretInputs ?? []);
  const rows: InputRow[] = Object.entries(properties).map(([name, p]) => {
    const secret = Boolean(p.secret) || secretNames.has(name);
    const stored = spec.inputs?.[name];
    return {
      name,
      title: p.title ?? name,
      parameter: p,
      value: secret || stored === undefined ? undefined : String(stored),
      secret,
      editable: !secret && parameterPolicy(p) !== 'locked',
    };
  });
  for (const [name, stored] of Object.entries(spec.inputs ?? {})) {
    if (name in properties || secretNames.has(name)) continue;
    rows.push({
      name,
      title: name,
      value: String(stored),
      secret: false,
      editable: false,
    });
  }
  return rows;
}

function shownValue(row: InputRow): string {
  if (row.secret) return 'Secret: never shown';
  return row.value ?? 'Not set';
}

/** The changed inputs, as `[row, from, to]`. */
export function inputChanges(
  rows: InputRow[],
  draft: Record<string, string>,
): Array<{ row: InputRow; from: string; to: string }> {
  return rows
    .filter(r => r.editable && draft[r.name] !== (r.value ?? ''))
    .map(r => ({ row: r, from: r.value ?? 'not set', to: draft[r.name] }));
}

const InputField = (props: {
  row: InputRow;
  value: string;
  onChange: (value: string) => void;
}) => {
  const { row, value, onChange } = props;
  const p = row.parameter!;
  const choices = p.enum ?? (p.type === 'boolean' ? [true, false] : undefined);
  return (
    <TextField
      id={`envkit-input-${row.name}`}
      select={Boolean(choices)}
      fullWidth
      margin="dense"
      label={row.title}
      helperText={p.description}
      type={!choices && p.type !== 'string' ? 'number' : 'text'}
      value={value}
      onChange={e => onChange(e.target.value)}
    >
      {choices?.map(c => (
        <MenuItem key={String(c)} value={String(c)}>
          {String(c)}
        </MenuItem>
      ))}
    </TextField>
  );
};

/**
 * Edits the inputs a developer may change and lists, before anything is
 * applied, each value that will change. The values are checked with the
 * same rules as the backend (`resolveInputs`).
 */
export const EditInputsDialog = (props: {
  open: boolean;
  environmentName: string;
  rows: InputRow[];
  busy: boolean;
  onCancel: () => void;
  onApply: (inputs: Record<string, string>) => void;
}) => {
  const { open, rows, busy } = props;
  const editable = useMemo(() => rows.filter(r => r.editable), [rows]);
  const initial = useMemo(
    () => Object.fromEntries(editable.map(r => [r.name, r.value ?? ''])),
    [editable],
  );
  const [draft, setDraft] = useState(initial);
  // The card polls: new values arrive while the dialog is open. The draft
  // starts from the values at opening and is left alone until it closes.
  const initialRef = useRef(initial);
  initialRef.current = initial;
  useEffect(() => {
    if (open) setDraft(initialRef.current);
  }, [open]);
  const changes = inputChanges(rows, draft);
  let problem: string | undefined;
  if (changes.length) {
    try {
      resolveInputs(
        {
          parameters: {
            properties: Object.fromEntries(
              changes.map(c => [c.row.name, c.row.parameter!]),
            ),
          },
        },
        Object.fromEntries(changes.map(c => [c.row.name, c.to])),
      );
    } catch (e) {
      problem = (e as Error).message;
    }
  }
  const titleOf = (message: string) =>
    changes.reduce(
      (text, c) => text.split(`inputs.${c.row.name}`).join(c.row.title),
      message,
    );

  return (
    <ConfirmDialog
      open={open}
      id="envkit-edit-inputs"
      title={`Change the inputs of ${props.environmentName}`}
      text="Only the inputs the template lets you change are listed. Applying rolls the changed resources out again; locked and secret inputs stay as they are."
      confirmLabel={
        changes.length
          ? `Apply ${changes.length} change${changes.length === 1 ? '' : 's'}`
          : 'Apply'
      }
      confirmColor="primary"
      confirmDisabled={busy || !changes.length || Boolean(problem)}
      onCancel={props.onCancel}
      onConfirm={() =>
        props.onApply(Object.fromEntries(changes.map(c => [c.row.name, c.to])))
      }
    >
      {editable.map(row => (
        <InputField
          key={row.name}
          row={row}
          value={draft[row.name] ?? ''}
          onChange={v => setDraft(d => ({ ...d, [row.name]: v }))}
        />
      ))}
      <Typography variant="subtitle2" component="h4" style={{ marginTop: 16 }}>
        What will change
      </Typography>
      <div role="status" aria-label="What will change">
        {changes.length === 0 ? (
          <Typography variant="body2">Nothing yet.</Typography>
        ) : (
          <ul style={{ margin: 0, paddingLeft: 20 }}>
            {changes.map(c => (
              <li key={c.row.name}>
                <Typography variant="body2">
                  {c.row.title}: {c.from} → {c.to}
                </Typography>
              </li>
            ))}
          </ul>
        )}
        {problem && (
          <Typography variant="body2" color="error">
            {titleOf(problem)}
          </Typography>
        )}
      </div>
    </ConfirmDialog>
  );
};

const INPUT_COLUMNS: DataColumn<InputRow>[] = [
  { title: 'Input', style: NO_WRAP, cell: row => row.title },
  {
    title: 'Value',
    headStyle: WHOLE_WORDS,
    style: { overflowWrap: 'anywhere' },
    cell: shownValue,
  },
  {
    title: 'Policy',
    style: NO_WRAP,
    cell: row =>
      row.parameter
        ? PARAMETER_POLICY_TEXT[parameterPolicy(row.parameter)].short
        : '—',
  },
];

/** The inputs table of the overview card. */
export const InputsTable = (props: { rows: InputRow[] }) => {
  if (props.rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        This environment takes no inputs.
      </Typography>
    );
  }
  return <DataTable label="Inputs" columns={INPUT_COLUMNS} rows={props.rows} />;
};

/**
 * The Inputs section of the overview card: every input with its value
 * (never a secret's) and, for whoever may change the environment, Edit for
 * the inputs the template lets developers change.
 */
export const InputsSection = (props: {
  environment: Environment;
  onChanged: (environment: Environment) => void;
}) => {
  const { environment, onChanged } = props;
  const api = useApi(environmentsApiRef);
  const toastApi = useApi(toastApiRef);
  const update = usePermission({
    permission: environmentUpdatePermission,
    resourceRef: environment.id,
  });
  const [open, setOpen] = useState(false);
  const { busy, failure, attempt } = useAttempt();
  const rows = useMemo(() => inputRows(environment), [environment]);
  const name = environment.spec.name;
  const { phase } = environment.status;
  const writable =
    !['Destroying', 'Destroyed', 'AwaitingApproval', 'Rejected'].includes(
      phase,
    ) && !environment.spec.deletionRequestedAt;
  const canEdit = update.allowed && writable && rows.some(r => r.editable);

  const apply = (inputs: Record<string, string>) =>
    attempt(`Could not change the inputs of ${name}`, async () => {
      const changed = await api.updateEnvironmentInputs(environment.id, inputs);
      setOpen(false);
      toastApi.post({
        title: `Changing the inputs of ${name}`,
        description: Object.keys(inputs).join(', '),
        status: 'success',
        timeout: 5000,
      });
      onChanged(changed);
    });

  return (
    <Section
      title="Inputs"
      action={
        writable && rows.some(r => r.editable) ? (
          <Button
            size="small"
            variant="outlined"
            disabled={!canEdit || busy}
            aria-label={`Edit inputs of ${name}`}
            onClick={() => setOpen(true)}
          >
            Edit
          </Button>
        ) : undefined
      }
    >
      <InputsTable rows={rows} />
      {failure && (
        <Typography variant="body2" color="error" role="alert">
          {failure}
        </Typography>
      )}
      <EditInputsDialog
        open={open}
        environmentName={name}
        rows={rows}
        busy={busy}
        onCancel={() => setOpen(false)}
        onApply={apply}
      />
    </Section>
  );
};
