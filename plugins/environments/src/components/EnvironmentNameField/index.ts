import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import {
  EnvironmentNameField,
  validateEnvironmentName,
} from './EnvironmentNameField';

export {
  EnvironmentNameField,
  validateEnvironmentName,
} from './EnvironmentNameField';

/** The scaffolder form field `EnvironmentName`. */
export const environmentNameFormField = createFormField({
  name: 'EnvironmentName',
  component: EnvironmentNameField,
  validation: validateEnvironmentName,
});
