import { useApi } from '@backstage/core-plugin-api';
import { Progress } from '@backstage/core-components';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type {
  CostEstimate,
  CreateEnvironmentRequest,
} from '@envkit/plugin-environments-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import { environmentsApiRef } from '../../api';
import { DataTable, formatUsd, type DataColumn } from '../shared';
import { NO_WRAP } from '../shared/layout';

/** How long the form must be still before the estimate is asked again. */
export const ESTIMATE_DEBOUNCE_MS = 400;

const money = formatUsd;

/** `ui:options` of the field. */
export interface CostEstimateOptions {
  /** The EnvironmentTemplate to price. */
  templateRef?: string;
  /**
   * Top-level form fields that are the template's inputs: their names, or
   * each field's input name by field (generated templates rename an input
   * that shares a name with one of the form's own fields).
   */
  inputs?: string[] | Record<string, string>;
}

/** What the form holds so far, as a create request for the preview. */
function requestOf(
  formData: Record<string, any> | undefined,
  options: CostEstimateOptions & { templateRef: string },
): CreateEnvironmentRequest {
  const data = formData ?? {};
  // Older generated templates keep the inputs under `inputs`; other forms
  // name the top-level fields that are inputs.
  const fields = Array.isArray(options.inputs)
    ? Object.fromEntries(options.inputs.map(name => [name, name]))
    : options.inputs;
  const inputs = fields
    ? Object.fromEntries(
        Object.entries(fields)
          .filter(([key]) => data[key] !== undefined && data[key] !== '')
          .map(([key, name]) => [name, data[key]]),
      )
    : data.inputs;
  return {
    // The name is checked on its own page; any valid one prices the same.
    name: typeof data.name === 'string' && data.name ? data.name : 'estimate',
    templateRef: options.templateRef,
    ...(inputs && typeof inputs === 'object' ? { inputs } : {}),
    ...(typeof data.ttl === 'string' && data.ttl ? { ttl: data.ttl } : {}),
  };
}

const COST_COLUMNS: DataColumn<CostEstimate['lines'][number]>[] = [
  { title: 'Resource', style: NO_WRAP, cell: line => line.resource },
  {
    title: 'What is billed',
    cell: line => `${line.item}${line.whileRunning ? ' (while running)' : ''}`,
  },
  {
    title: 'Quantity',
    align: 'right',
    style: NO_WRAP,
    cell: line => `${line.quantity.toLocaleString('en-US')} ${line.unit}`,
  },
  {
    title: 'Per month',
    align: 'right',
    style: NO_WRAP,
    cell: line => money(line.monthly),
  },
  { title: 'Assumes', cell: line => line.assumption ?? '' },
];

/** The estimate as a table, its total and where the prices come from. */
export const CostEstimateView = ({ estimate }: { estimate: CostEstimate }) =>
  estimate.lines.length === 0 ? (
    <Box>
      <Typography variant="body2">
        No estimate: nothing in this environment has a list price here.
      </Typography>
      {estimate.notEstimated.map(n => (
        <Typography key={n.resource} variant="body2" color="textSecondary">
          {n.resource}: {n.reason}
        </Typography>
      ))}
    </Box>
  ) : (
    <Box>
      <Typography variant="h6" component="p">
        About {money(estimate.monthly)} a month
      </Typography>
      <Typography variant="body2" color="textSecondary" paragraph>
        At list prices, running all month. Lines marked “while running” stop
        costing when nothing runs.
      </Typography>
      <DataTable
        label="Cost estimate"
        columns={COST_COLUMNS}
        rows={estimate.lines}
        rowKey={line => `${line.resource}/${line.item}`}
      />
      {estimate.notEstimated.map(n => (
        <Typography key={n.resource} variant="body2" color="textSecondary">
          Not included: {n.resource} ({n.reason})
        </Typography>
      ))}
      {estimate.priceLists.map(list => (
        <Typography key={list.name} variant="caption" component="p">
          {list.name}, {list.region}, read {list.date}.
        </Typography>
      ))}
    </Box>
  );

/**
 * `EnvironmentCostEstimate`: a read-only form field that prices what the
 * form describes so far (`POST /environments/preview`) and shows it before
 * the task starts. `ui:options.templateRef` names the EnvironmentTemplate.
 * It holds no value of its own.
 */
export const CostEstimateField = (
  props: FieldExtensionComponentProps<string, CostEstimateOptions>,
) => {
  const api = useApi(environmentsApiRef);
  const options = props.uiSchema?.['ui:options'] ?? {};
  const templateRef = options.templateRef;
  const formData = (props.formContext as { formData?: Record<string, any> })
    ?.formData;
  const request = templateRef
    ? requestOf(formData, { ...options, templateRef })
    : undefined;
  const key = JSON.stringify(request);
  const [state, setState] = useState<{
    estimate?: CostEstimate;
    error?: string;
    loading: boolean;
  }>({ loading: true });

  useEffect(() => {
    if (!key || key === 'undefined') return undefined;
    let cancelled = false;
    const timer = setTimeout(() => {
      api
        .previewEnvironment(JSON.parse(key))
        .then(preview => {
          if (!cancelled) {
            setState({ estimate: preview.estimate, loading: false });
          }
        })
        .catch((e: Error) => {
          if (!cancelled) setState({ error: e.message, loading: false });
        });
    }, ESTIMATE_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, key]);

  if (!templateRef) {
    return (
      <Typography variant="body2" color="error">
        No template to estimate: the field needs ui:options.templateRef.
      </Typography>
    );
  }
  return (
    <Box role="region" aria-label="Estimated cost" my={1}>
      <Typography variant="subtitle1" component="h3">
        {props.schema?.title ?? 'Estimated cost'}
      </Typography>
      {state.loading && <Progress aria-label="Estimating the cost" />}
      {state.error && (
        <Typography variant="body2" role="status">
          No estimate yet: {state.error.replace(/^[A-Za-z]+Error: /, '')}
        </Typography>
      )}
      {state.estimate && <CostEstimateView estimate={state.estimate} />}
      {!state.loading && !state.error && !state.estimate && (
        <Typography variant="body2">
          This environment's drivers give no cost estimate.
        </Typography>
      )}
    </Box>
  );
};
