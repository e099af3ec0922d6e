import type { EntityContentLayoutProps } from '@backstage/plugin-catalog-react/alpha';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(3),
  },
  // Info cards (About, Links, Labels) side by side, each at least wide
  // enough that About's three fields a row keep "EnvironmentTemplate" whole.
  info: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 480px), 1fr))',
    gap: theme.spacing(3),
    alignItems: 'start',
    '&:empty': { display: 'none' },
  },
  content: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(3),
    minWidth: 0,
  },
}));

/**
 * The Overview of an EnvironmentTemplate: its info cards in a row across
 * the top, then the template card and the others at full width. The
 * default layout keeps info cards in a third of the page, too narrow for
 * About's fields beside the template's tables.
 */
export const TemplatePageLayout = (props: EntityContentLayoutProps) => {
  const classes = useStyles();
  const info = props.cards.filter(card => card.type === 'info');
  const content = props.cards.filter(card => card.type !== 'info');
  return (
    <div className={classes.root}>
      <section className={classes.info} aria-label="About this template">
        {info.map((card, index) => (
          <div key={card.element.key ?? index}>{card.element}</div>
        ))}
      </section>
      <div className={classes.content}>
        {content.map((card, index) => (
          <div key={card.element.key ?? index}>{card.element}</div>
        ))}
      </div>
    </div>
  );
};
