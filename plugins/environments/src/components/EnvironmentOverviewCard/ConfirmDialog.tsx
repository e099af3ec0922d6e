import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import type { ReactNode } from 'react';

/**
 * The frame of the action dialogs: a title, an explanation, optional fields,
 * Cancel and one confirming button.
 */
export type ConfirmDialogProps = {
  open: boolean;
  /** Prefix of the element ids that label and describe the dialog. */
  id: string;
  title: string;
  text: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  confirmColor: 'primary' | 'secondary';
  confirmDisabled: boolean;
  onCancel: () => void;
  onConfirm: () => void;
};

/** See {@link ConfirmDialogProps}. */
export const ConfirmDialog = (props: ConfirmDialogProps) => (
  <Dialog
    open={props.open}
    onClose={props.onCancel}
    aria-labelledby={`${props.id}-title`}
    aria-describedby={`${props.id}-description`}
  >
    <DialogTitle id={`${props.id}-title`}>{props.title}</DialogTitle>
    <DialogContent>
      <DialogContentText id={`${props.id}-description`}>
        {props.text}
      </DialogContentText>
      {props.children}
    </DialogContent>
    <DialogActions>
      <Button onClick={props.onCancel}>Cancel</Button>
      <Button
        variant="contained"
        color={props.confirmColor}
        disabled={props.confirmDisabled}
        onClick={props.onConfirm}
      >
        {props.confirmLabel}
      </Button>
    </DialogActions>
  </Dialog>
);
