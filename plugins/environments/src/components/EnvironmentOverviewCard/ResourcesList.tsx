import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { EnvironmentResourceStatus } from '@envkit/plugin-environments-common';
import { Fragment } from 'react';
import { PhaseStatus } from '../shared';
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
    <Table size="small" aria-label="Resources">
      <TableHead>
        <TableRow>
          <TableCell style={NO_WRAP}>Resource</TableCell>
          <TableCell style={NO_WRAP}>Driver</TableCell>
          <TableCell style={NO_WRAP}>Status</TableCell>
          <TableCell style={WHOLE_WORDS}>Message</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {resources.map(resource => {
          const objects = managedObjects(resource);
          return (
            <Fragment key={resource.name}>
              <TableRow>
                <TableCell style={NO_WRAP}>{resource.name}</TableCell>
                <TableCell style={NO_WRAP}>{resource.driver}</TableCell>
                <TableCell style={NO_WRAP}>
                  <PhaseStatus
                    phase={resource.phase}
                    label={`Resource ${resource.name}`}
                  />
                </TableCell>
                <TableCell style={WHOLE_WORDS}>
                  {resource.message ?? ''}
                </TableCell>
              </TableRow>
              {objects.length > 0 && (
                <TableRow>
                  <TableCell colSpan={4}>
                    <Table
                      size="small"
                      aria-label={`Objects of ${resource.name}`}
                    >
                      <TableHead>
                        <TableRow>
                          <TableCell style={NO_WRAP}>Kind</TableCell>
                          <TableCell style={NO_WRAP}>Name</TableCell>
                          <TableCell style={WHOLE_WORDS}>State</TableCell>
                        </TableRow>
                      </TableHead>
                      <TableBody>
                        {objects.map(o => (
                          <TableRow key={`${o.kind}/${o.name}`}>
                            <TableCell style={NO_WRAP}>{o.kind}</TableCell>
                            <TableCell style={NO_WRAP}>{o.name}</TableCell>
                            <TableCell style={WHOLE_WORDS}>{o.state}</TableCell>
                          </TableRow>
                        ))}
                      </TableBody>
                    </Table>
                  </TableCell>
                </TableRow>
              )}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
};
