import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentLayoutBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import CloudQueueIcon from '@material-ui/icons/CloudQueue';
import { EnvironmentsRestClient } from '@envkit/plugin-environments-common';
import { environmentsApiRef } from './api';
import {
  hasRelatedEnvironments,
  isEnvironmentsAvailable,
  isEnvironmentTemplate,
} from './constants';

const rootRouteRef = createRouteRef();

const environmentsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: environmentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new EnvironmentsRestClient({ discoveryApi, fetchApi }),
    }),
});

const environmentsPage = PageBlueprint.make({
  params: {
    path: '/environments',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/EnvironmentsPage').then(m => (
        <m.EnvironmentsContent />
      )),
  },
});

/** `entity-card:environments/overview`: the card of environment entities. */
const environmentOverviewCard = EntityCardBlueprint.make({
  name: 'overview',
  params: {
    filter: isEnvironmentsAvailable,
    loader: () =>
      import('./components/EnvironmentOverviewCard').then(m => (
        <m.EnvironmentOverviewCard />
      )),
  },
});

/** `entity-card:environments/related`: a component's, system's, group's or user's environments. */
const relatedEnvironmentsCard = EntityCardBlueprint.make({
  name: 'related',
  params: {
    filter: hasRelatedEnvironments,
    loader: () =>
      import('./components/EnvironmentsCard').then(m => <m.EnvironmentsCard />),
  },
});

/**
 * `entity-card:environments/template`: an EnvironmentTemplate's version,
 * parameters, resources, guardrails, usage and software template.
 */
const templateOverviewCard = EntityCardBlueprint.make({
  name: 'template',
  params: {
    filter: isEnvironmentTemplate,
    loader: () =>
      import('./components/EnvironmentTemplatePage').then(m => (
        <m.EnvironmentTemplateOverview />
      )),
  },
});

/**
 * `entity-content-layout:environments/template`: an EnvironmentTemplate's
 * Overview with its info cards (About) in a row on top and the template
 * card at full width below.
 */
const templatePageLayout = EntityContentLayoutBlueprint.make({
  name: 'template',
  params: {
    filter: isEnvironmentTemplate,
    loader: () =>
      import('./components/EnvironmentTemplatePage').then(
        m => m.TemplatePageLayout,
      ),
  },
});

/**
 * `scaffolder-form-field:environments/cost-estimate`: the Create form's
 * `EnvironmentCostEstimate` field, which prices what the form describes.
 */
const costEstimateField = FormFieldBlueprint.make({
  name: 'cost-estimate',
  params: {
    field: () =>
      import('./components/CostEstimateField').then(
        m => m.costEstimateFormField,
      ),
  },
});

/**
 * `scaffolder-form-field:environments/name`: the Create form's
 * `EnvironmentName` field, which says whether a name is free as you type.
 */
const environmentNameField = FormFieldBlueprint.make({
  name: 'name',
  params: {
    field: () =>
      import('./components/EnvironmentNameField').then(
        m => m.environmentNameFormField,
      ),
  },
});

/**
 * The Envkit plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'environments',
  title: 'Environments',
  icon: <CloudQueueIcon fontSize="inherit" />,
  routes: { root: rootRouteRef },
  extensions: [
    environmentsApi,
    environmentsPage,
    environmentOverviewCard,
    relatedEnvironmentsCard,
    templateOverviewCard,
    templatePageLayout,
    costEstimateField,
    environmentNameField,
  ],
});
