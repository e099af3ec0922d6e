import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Link, LinkButton } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { findEntities } from '../shared';

/** Where the scaffolder lists software templates. */
export const CREATE_PATH = '/create';

/**
 * The Create form of `template` with `component` filled in: the
 * scaffolder reads a `formData` query parameter as the form's first state.
 * The component is given by name, as the forms' EntityPicker keeps it.
 */
export function createFormLink(template: Entity, component?: Entity): string {
  const { namespace = 'default', name } = template.metadata;
  const path = `${CREATE_PATH}/templates/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(name)}`;
  if (!component) return path;
  const formData = JSON.stringify({
    component: humanizeEntityRef(component, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    }),
  });
  return `${path}?${new URLSearchParams({ formData })}`;
}

/**
 * "Create an environment": a menu of the software templates that create
 * environments (`spec.type: environment`), each opening its form with
 * `component` already chosen. Without such templates, the scaffolder's list.
 * Until the catalog answers, a disabled button showing progress.
 */
export const CreateEnvironmentButton = (props: {
  component?: Entity;
  variant?: 'contained' | 'outlined';
}) => {
  const { component, variant = 'contained' } = props;
  const catalogApi = useApi(catalogApiRef);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const { value: templates, loading } = useAsync(async () => {
    const items = await findEntities(
      catalogApi,
      { kind: 'Template', 'spec.type': 'environment' },
      ['metadata.title', 'metadata.description'],
    );
    return items.sort((a, b) =>
      (a.metadata.title ?? a.metadata.name).localeCompare(
        b.metadata.title ?? b.metadata.name,
      ),
    );
  }, [catalogApi]);

  if (loading) {
    // Where to go is not known yet: a click now would open the wrong page.
    return (
      <Button
        color="primary"
        variant={variant}
        disabled
        aria-busy="true"
        startIcon={<CircularProgress size={16} aria-hidden="true" />}
      >
        Create an environment
      </Button>
    );
  }
  // No environment templates (or the catalog could not say): the
  // scaffolder's list of every template.
  if (!templates?.length) {
    return (
      <LinkButton to={CREATE_PATH} color="primary" variant={variant}>
        Create an environment
      </LinkButton>
    );
  }
  const forWhom = component
    ? ` for ${component.metadata.title ?? component.metadata.name}`
    : '';
  return (
    <>
      <Button
        color="primary"
        variant={variant}
        aria-haspopup="menu"
        onClick={e => setAnchor(e.currentTarget)}
      >
        Create an environment
      </Button>
      <Menu
        anchorEl={anchor}
        keepMounted={false}
        open={Boolean(anchor)}
        onClose={() => setAnchor(null)}
        aria-label={`Templates to create an environment${forWhom}`}
      >
        {templates.map(template => (
          <MenuItem
            key={stringifyEntityRef(template)}
            component={Link}
            to={createFormLink(template, component)}
            style={{ display: 'block', maxWidth: 420, whiteSpace: 'normal' }}
          >
            <Typography variant="body1">
              {template.metadata.title ?? template.metadata.name}
            </Typography>
            {template.metadata.description && (
              <Typography variant="body2" color="textSecondary">
                {template.metadata.description}
              </Typography>
            )}
          </MenuItem>
        ))}
      </Menu>
    </>
  );
};
