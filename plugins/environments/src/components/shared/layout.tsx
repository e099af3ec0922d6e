import Box from '@material-ui/core/Box';
import Divider from '@material-ui/core/Divider';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';

/** Lines break between words only, never inside a name or a state. */
export const WHOLE_WORDS = {
  wordBreak: 'normal',
  overflowWrap: 'normal',
} as const;
/** One line: for short names, states and URLs in tables. */
export const NO_WRAP = { ...WHOLE_WORDS, whiteSpace: 'nowrap' } as const;
/**
 * One line cut with an ellipsis where it runs out of room: for long values
 * such as URLs, whose full text belongs in a `title`. Give it a `maxWidth`.
 */
export const ELLIPSIS = {
  ...NO_WRAP,
  display: 'inline-block',
  overflow: 'hidden',
  textOverflow: 'ellipsis',
  verticalAlign: 'bottom',
} as const;

/** A term and its value in a `<Grid container component="dl">`. */
export const Field = (props: { label: string; children: ReactNode }) => (
  <Grid item xs={12} sm={6} component="div">
    <Typography variant="subtitle2" component="dt" color="textSecondary">
      {props.label}
    </Typography>
    <Typography variant="body2" component="dd" style={{ margin: 0 }}>
      {props.children}
    </Typography>
  </Grid>
);

/** A titled part of a card, below a divider. */
export const Section = (props: {
  title: string;
  action?: ReactNode;
  children: ReactNode;
}) => (
  <Box mt={2}>
    <Divider />
    <Box
      mt={2}
      mb={1}
      display="flex"
      alignItems="center"
      justifyContent="space-between"
    >
      <Typography variant="h6" component="h3">
        {props.title}
      </Typography>
      {props.action}
    </Box>
    {props.children}
  </Box>
);
