import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { NamespaceView } from './namespaceEnvironment';

/**
 * How much of its ResourceQuota a namespace uses and how many replicas of
 * its workload are ready, from the driver's last observation.
 */
export const NamespaceUsage = (props: { view: NamespaceView }) => {
  const { namespace, quota, workload } = props.view;
  return (
    <>
      <Typography variant="body2" paragraph>
        Namespace <code>{namespace}</code>
        {workload && (
          <>
            {' · '}
            <span aria-label="Ready replicas">
              {workload.readyReplicas} of {workload.replicas} replicas ready
            </span>
          </>
        )}
      </Typography>
      {quota.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No quota usage reported yet.
        </Typography>
      ) : (
        <Table size="small" aria-label="Quota usage">
          <TableHead>
            <TableRow>
              <TableCell>Quota</TableCell>
              <TableCell>Used</TableCell>
              <TableCell>Limit</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {quota.map(line => (
              <TableRow key={line.key}>
                <TableCell>{line.key}</TableCell>
                <TableCell>{line.used}</TableCell>
                <TableCell>{line.hard}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
};
