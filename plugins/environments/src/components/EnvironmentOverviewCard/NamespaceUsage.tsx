import Typography from '@material-ui/core/Typography';
import { DataTable, type DataColumn } from '../shared';
import type { NamespaceView } from './namespaceEnvironment';

const QUOTA_COLUMNS: DataColumn<NamespaceView['quota'][number]>[] = [
  { title: 'Quota', cell: line => line.key },
  { title: 'Used', cell: line => line.used },
  { title: 'Limit', cell: line => line.hard },
];

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
        <DataTable
          label="Quota usage"
          columns={QUOTA_COLUMNS}
          rows={quota}
          rowKey={line => line.key}
        />
      )}
    </>
  );
};
