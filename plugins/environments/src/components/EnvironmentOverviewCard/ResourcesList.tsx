import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { EnvironmentResourceStatus } from '@envkit/plugin-environments-common';
import { PhaseStatus } from '../shared';

/** Each resource of the environment with its own phase. */
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
          <TableCell>Resource</TableCell>
          <TableCell>Driver</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Message</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {resources.map(resource => {
          return (
            <TableRow key={resource.name}>
              <TableCell>{resource.name}</TableCell>
              <TableCell>{resource.driver}</TableCell>
              <TableCell>
                <PhaseStatus
                  phase={resource.phase}
                  label={`Resource ${resource.name}`}
                />
              </TableCell>
              <TableCell>{resource.message ?? ''}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
};
