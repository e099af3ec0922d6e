import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';

// The theme's secondary text on the page background is below 4.5:1 for the
// small outlined labels (axe: color-contrast).
const useStyles = makeStyles(theme => ({
  label: { color: theme.palette.text.primary },
}));
import { ENVIRONMENT_PHASES } from '@envkit/plugin-environments-common';
import type { EnvironmentTemplateSummary } from '@envkit/plugin-environments-common';

/** The filters of the "All" tab. Empty strings mean "any". */
export interface EnvironmentFilterValues {
  owner: string;
  template: string;
  phase: string;
}

type Option = { value: string; label: string };

/** A drop-down whose empty choice means "any". */
const SelectFilter = (props: {
  name: keyof EnvironmentFilterValues;
  label: string;
  minWidth: number;
  value: string;
  options: Option[];
  onChange: (value: string) => void;
}) => {
  const classes = useStyles();
  return (
    <TextField
      select
      id={`envkit-filter-${props.name}`}
      label={props.label}
      SelectProps={{ displayEmpty: true }}
      InputLabelProps={{ shrink: true, className: classes.label }}
      variant="outlined"
      size="small"
      style={{ minWidth: props.minWidth }}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
    >
      <MenuItem value="">{`Any ${props.name}`}</MenuItem>
      {props.options.map(o => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
};

/** Owner, template and phase filters, each a choice of what exists. */
export const EnvironmentFilters = (props: {
  value: EnvironmentFilterValues;
  templates: EnvironmentTemplateSummary[];
  /** The catalog's groups and users. */
  owners: Option[];
  onChange: (value: EnvironmentFilterValues) => void;
}) => {
  const { value, templates, owners, onChange } = props;
  const filters: Array<{
    name: keyof EnvironmentFilterValues;
    label: string;
    minWidth: number;
    options: Option[];
  }> = [
    { name: 'owner', label: 'Owner', minWidth: 220, options: owners },
    {
      name: 'template',
      label: 'Template',
      minWidth: 220,
      options: templates.map(t => ({
        value: t.ref,
        label: t.entity.metadata.title ?? t.entity.metadata.name,
      })),
    },
    {
      name: 'phase',
      label: 'Phase',
      minWidth: 160,
      options: ENVIRONMENT_PHASES.map(p => ({ value: p, label: p })),
    },
  ];
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      {filters.map(filter => (
        <SelectFilter
          key={filter.name}
          {...filter}
          value={value[filter.name]}
          onChange={chosen => onChange({ ...value, [filter.name]: chosen })}
        />
      ))}
    </Box>
  );
};
