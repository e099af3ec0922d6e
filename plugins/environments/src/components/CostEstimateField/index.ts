import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { CostEstimateField } from './CostEstimateField';

export { CostEstimateField, CostEstimateView } from './CostEstimateField';

/** The scaffolder form field `EnvironmentCostEstimate`. */
export const costEstimateFormField = createFormField({
  name: 'EnvironmentCostEstimate',
  component: CostEstimateField,
});
