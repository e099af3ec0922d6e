import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import InfoOutlined from '@material-ui/icons/InfoOutlined';
import WarningOutlined from '@material-ui/icons/ReportProblemOutlined';
import type { EnvironmentEvent } from '@envkit/plugin-environments-common';
import { useState } from 'react';
import Button from '@material-ui/core/Button';
import { formatTimestamp } from '../shared';

const SHOWN_AT_FIRST = 10;

const WRAP_ANYWHERE = {
  whiteSpace: 'normal',
  overflowWrap: 'anywhere',
} as const;

/** The environment's events, newest first. */
export const EventsTimeline = (props: { events: EnvironmentEvent[] }) => {
  const { events } = props;
  const [showAll, setShowAll] = useState(false);
  if (events.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No events yet.
      </Typography>
    );
  }
  const shown = showAll ? events : events.slice(0, SHOWN_AT_FIRST);
  return (
    <>
      <List dense aria-label="Events" disablePadding>
        {shown.map((event, index) => (
          <ListItem key={event.id ?? `${event.at}-${index}`} disableGutters>
            <ListItemIcon>
              {event.type === 'Warning' ? (
                <WarningOutlined color="error" titleAccess="Warning" />
              ) : (
                <InfoOutlined color="action" titleAccess="Normal" />
              )}
            </ListItemIcon>
            <ListItemText
              // The message is the sentence; the reason is a code for
              // searching and for tools, so it goes with the time.
              primary={event.message}
              // Long words (ARNs, URLs, object names) wrap inside the card
              // instead of running past its edge.
              // Wrapped even where an ancestor of the card says nowrap.
              primaryTypographyProps={{ style: WRAP_ANYWHERE }}
              secondaryTypographyProps={{ style: WRAP_ANYWHERE }}
              secondary={`${formatTimestamp(event.at)} · ${event.reason}${
                event.resource ? ` · ${event.resource}` : ''
              }`}
            />
          </ListItem>
        ))}
      </List>
      {events.length > SHOWN_AT_FIRST && (
        <Button size="small" onClick={() => setShowAll(v => !v)}>
          {showAll ? 'Show fewer events' : `Show all ${events.length} events`}
        </Button>
      )}
    </>
  );
};
