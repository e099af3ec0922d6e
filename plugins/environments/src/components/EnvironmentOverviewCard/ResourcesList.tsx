import Typography from '@material-ui/core/Typography';
import type { EnvironmentResourceStatus } from '@envkit/plugin-environments-common';
import { DataTable, PhaseStatus, type DataColumn } from '../shared';
import { NO_WRAP, WHOLE_WORDS } from '../shared/layout';

interface ManagedObject {
  kind: string;
  name: string;
  state: string;
}

/** The objects a driver reports it manages for a resource (`details.objects`). */
function managedObjects(resource: EnvironmentResourceStatus): ManagedObject[] {
  const objects = resource.details?.objects;
  if (!Array.isArray(objects)) return [];
  return objects.filter(
    (o): o is ManagedObject =>
      typeof o?.kind === 'string' &&
      typeof o?.name === 'string' &&
      typeof o?.state === 'string',
  );
}

const RESOURCE_COLUMNS: DataColumn<EnvironmentResourceStatus>[] = [
  { title: 'Resource', style: NO_WRAP, cell: r => r.name },
  { title: 'Driver', style: NO_WRAP, cell: r => r.driver },
  {
    title: 'Status',
    style: NO_WRAP,
    cell: r => <PhaseStatus phase={r.phase} label={`Resource ${r.name}`} />,
  },
  { title: 'Message', style: WHOLE_WORDS, cell: r => r.message ?? '' },
];

const OBJECT_COLUMNS: DataColumn<ManagedObject>[] = [
  { title: 'Kind', style: NO_WRAP, cell: o => o.kind },
  { title: 'Name', style: NO_WRAP, cell: o => o.name },
  { title: 'State', style: WHOLE_WORDS, cell: o => o.state },
];

/**
 * Each resource of the environment with its own phase and, when its driver
 * reports them, the objects it manages with their state.
 */
export const ResourcesList = (props: {
  resources: EnvironmentResourceStatus[];
}) => {
  const { resources } = props;
  if (resources.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No resources observed yet.
      </Typography>
    );
  }
  return (
    <DataTable
      label="Resources"
      columns={RESOURCE_COLUMNS}
      rows={resources}
      detail={resource => {
        const objects = managedObjects(resource);
        return objects.length > 0 ? (
          <DataTable
            label={`Objects of ${resource.name}`}
            columns={OBJECT_COLUMNS}
            rows={objects}
            rowKey={o => `${o.kind}/${o.name}`}
          />
        ) : undefined;
      }}
    />
  );
};
