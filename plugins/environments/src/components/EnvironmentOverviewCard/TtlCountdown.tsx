import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import { formatDuration, formatTimestamp } from '../shared';

/** Time left until `expiresAt`, ticking every few seconds. */
export const TtlCountdown = (props: { expiresAt?: string }) => {
  const { expiresAt } = props;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!expiresAt) return undefined;
    const handle = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(handle);
  }, [expiresAt]);

  if (!expiresAt) {
    return <Typography variant="body2">Does not expire</Typography>;
  }
  const left = Date.parse(expiresAt) - now;
  return (
    <Typography variant="body2" title={formatTimestamp(expiresAt)}>
      {left > 0
        ? `Expires in ${formatDuration(left)}`
        : 'Expired; it will be destroyed shortly'}
    </Typography>
  );
};
