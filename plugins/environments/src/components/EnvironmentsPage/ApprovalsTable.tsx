import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { toastApiRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import type { EnvironmentSummary } from '@envkit/plugin-environments-common';
import { useState } from 'react';
import { environmentsApiRef } from '../../api';
import { usePolledAsync } from '../../hooks';
import { ConfirmDialog } from '../EnvironmentOverviewCard/ConfirmDialog';

const when = (iso: string | undefined) =>
  iso ? new Date(iso).toLocaleString() : '';

/** The reason dialog of a rejection; the reason is required. */
const RejectDialog = (props: {
  environment: EnvironmentSummary | undefined;
  busy: boolean;
  onCancel: () => void;
  onReject: (reason: string) => void;
}) => {
  const [reason, setReason] = useState('');
  const name = props.environment?.spec.name ?? '';
  return (
    <ConfirmDialog
      open={Boolean(props.environment)}
      id="envkit-reject"
      title={`Reject ${name}?`}
      text={`Nothing has been made for ${name}; rejecting ends the request. The requester sees your reason.`}
      confirmLabel="Reject"
      confirmColor="secondary"
      confirmDisabled={props.busy || reason.trim() === ''}
      onCancel={() => {
        setReason('');
        props.onCancel();
      }}
      onConfirm={() => {
        props.onReject(reason.trim());
        setReason('');
      }}
    >
      <TextField
        id="envkit-reject-reason"
        required
        fullWidth
        multiline
        margin="dense"
        label="Reason"
        value={reason}
        inputProps={{ maxLength: 1000 }}
        onChange={e => setReason(e.target.value)}
      />
    </ConfirmDialog>
  );
};

/**
 * Requests waiting for the signed-in user's decision (`GET /approvals`):
 * environments whose template requires approval by a group the user is in,
 * requested by someone else. Approve starts provisioning; Reject asks for a
 * reason.
 */
export const ApprovalsTable = () => {
  const api = useApi(environmentsApiRef);
  const toastApi = useApi(toastApiRef);
  const [refresh, setRefresh] = useState(0);
  const [busy, setBusy] = useState<string>();
  const [rejecting, setRejecting] = useState<EnvironmentSummary>();
  const { value, error, loading } = usePolledAsync(
    () => api.listApprovals(),
    [api, refresh],
  );

  const decide = async (
    environment: EnvironmentSummary,
    decision: () => Promise<unknown>,
    done: string,
  ) => {
    setBusy(environment.id);
    try {
      await decision();
      toastApi.post({ title: done, status: 'success', timeout: 5000 });
    } catch (e) {
      toastApi.post({
        title: `Could not decide on ${environment.spec.name}`,
        description: (e as Error).message,
        status: 'danger',
      });
    } finally {
      setBusy(undefined);
      setRejecting(undefined);
      setRefresh(n => n + 1);
    }
  };

  if (loading && !value) return <Progress aria-label="Loading approvals" />;
  if (error && !value) return <ResponseErrorPanel error={error} />;
  if (!value?.length) {
    return (
      <EmptyState
        missing="data"
        title="No requests wait for your approval"
        description="Environments from templates that require approval by one of your groups show up here."
      />
    );
  }

  const columns: TableColumn<EnvironmentSummary>[] = [
    { title: 'Name', field: 'spec.name', highlight: true },
    { title: 'Template', field: 'spec.templateRef' },
    { title: 'Owner', field: 'spec.owner' },
    {
      title: 'Requested by',
      render: e => e.spec.approval?.requestedBy ?? e.createdBy,
    },
    { title: 'Approvers', render: e => e.spec.approval?.approvers },
    {
      title: 'Expires',
      render: e => when(e.spec.approval?.expiresAt),
    },
    {
      title: 'Decision',
      render: e => (
        // The buttons keep their words whole; the row grows instead.
        <Box display="flex" style={{ gap: 8, whiteSpace: 'nowrap' }}>
          <Button
            size="small"
            variant="contained"
            color="primary"
            disabled={busy === e.id}
            aria-label={`Approve ${e.spec.name}`}
            onClick={() =>
              decide(
                e,
                () => api.approveEnvironment(e.id),
                `Approved ${e.spec.name}; it is being provisioned`,
              )
            }
          >
            Approve
          </Button>
          <Button
            size="small"
            variant="outlined"
            disabled={busy === e.id}
            aria-label={`Reject ${e.spec.name}`}
            onClick={() => setRejecting(e)}
          >
            Reject
          </Button>
        </Box>
      ),
    },
  ];

  return (
    <>
      <Table
        title={`Waiting for your approval (${value.length})`}
        options={{
          paging: false,
          search: false,
          padding: 'dense',
          sorting: false,
        }}
        columns={columns}
        data={value}
      />
      <RejectDialog
        environment={rejecting}
        busy={Boolean(busy)}
        onCancel={() => setRejecting(undefined)}
        onReject={reason =>
          rejecting &&
          decide(
            rejecting,
            () => api.rejectEnvironment(rejecting.id, reason),
            `Rejected ${rejecting.spec.name}`,
          )
        }
      />
    </>
  );
};
