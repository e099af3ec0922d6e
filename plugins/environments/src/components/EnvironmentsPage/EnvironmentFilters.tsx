import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { ENVIRONMENT_PHASES } from '@envkit/plugin-environments-common';
import type { EnvironmentTemplateSummary } from '@envkit/plugin-environments-common';

/** The filters of the "All" tab. Empty strings mean "any". */
export interface EnvironmentFilterValues {
  owner: string;
  template: string;
  phase: string;
}

/** Owner, template and phase filters. */
export const EnvironmentFilters = (props: {
  value: EnvironmentFilterValues;
  templates: EnvironmentTemplateSummary[];
  onChange: (value: EnvironmentFilterValues) => void;
}) => {
  const { value, templates, onChange } = props;
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      <TextField
        id="envkit-filter-owner"
        label="Owner"
        InputLabelProps={{ shrink: true }}
        placeholder="group:default/team-a"
        variant="outlined"
        size="small"
        value={value.owner}
        onChange={e => onChange({ ...value, owner: e.target.value })}
      />
      <TextField
        select
        id="envkit-filter-template"
        label="Template"
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
        variant="outlined"
        size="small"
        style={{ minWidth: 220 }}
        value={value.template}
        onChange={e => onChange({ ...value, template: e.target.value })}
      >
        <MenuItem value="">Any template</MenuItem>
        {templates.map(t => (
          <MenuItem key={t.ref} value={t.ref}>
            {t.entity.metadata.title ?? t.entity.metadata.name}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        id="envkit-filter-phase"
        label="Phase"
        SelectProps={{ displayEmpty: true }}
        InputLabelProps={{ shrink: true }}
        variant="outlined"
        size="small"
        style={{ minWidth: 160 }}
        value={value.phase}
        onChange={e => onChange({ ...value, phase: e.target.value })}
      >
        <MenuItem value="">Any phase</MenuItem>
        {ENVIRONMENT_PHASES.map(p => (
          <MenuItem key={p} value={p}>
            {p}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
};
