import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';

/** Confirms that the owner really wants to destroy the environment. */
export const DestroyDialog = (props: {
  open: boolean;
  environmentName: string;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) => (
  <Dialog
    open={props.open}
    onClose={props.onCancel}
    aria-labelledby="envkit-destroy-title"
    aria-describedby="envkit-destroy-description"
  >
    <DialogTitle id="envkit-destroy-title">
      Destroy {props.environmentName}?
    </DialogTitle>
    <DialogContent>
      <DialogContentText id="envkit-destroy-description">
        Every resource of this environment will be deleted and its endpoint will
        stop answering. This cannot be undone.
      </DialogContentText>
    </DialogContent>
    <DialogActions>
      <Button onClick={props.onCancel}>Cancel</Button>
      <Button
        variant="contained"
        color="secondary"
        disabled={props.busy}
        onClick={props.onConfirm}
      >
        Destroy
      </Button>
    </DialogActions>
  </Dialog>
);
