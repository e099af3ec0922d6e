import { ConfirmDialog, type ConfirmDialogProps } from './ConfirmDialog';

/** Confirms that the owner really wants to destroy the environment. */
export const DestroyDialog = (
  props: Pick<ConfirmDialogProps, 'open' | 'onCancel' | 'onConfirm'> & {
    environmentName: string;
    busy: boolean;
  },
) => (
  <ConfirmDialog
    open={props.open}
    id="envkit-destroy"
    title={`Destroy ${props.environmentName}?`}
    text="Every resource of this environment will be deleted and its endpoint will stop answering. This cannot be undone."
    confirmLabel="Destroy"
    confirmColor="secondary"
    confirmDisabled={props.busy}
    onCancel={props.onCancel}
    onConfirm={props.onConfirm}
  />
);
