import { render, screen, within } from '@testing-library/react';
import { DataTable, type DataColumn } from './DataTable';

interface Line {
  name: string;
  count: number;
  parts?: string[];
}

const columns: DataColumn<Line>[] = [
  { title: 'Name', cell: line => line.name },
  { title: 'Count', align: 'right', cell: line => line.count },
  { title: 'Position', cell: (_, index) => `#${index + 1}` },
];

describe('DataTable', () => {
  it('shows a heading row and one row a line, each cell filled by its column', () => {
    render(
      <DataTable
        label="Lines"
        columns={columns}
        rows={[
          { name: 'alpha', count: 3 },
          { name: 'beta', count: 12 },
        ]}
        rowKey={line => line.name}
      />,
    );
    const table = screen.getByRole('table', { name: 'Lines' });
    const rows = within(table).getAllByRole('row');
    expect(rows.map(row => row.textContent)).toEqual([
      'NameCountPosition',
      'alpha3#1',
      'beta12#2',
    ]);
    expect(within(rows[2]).getByText('12')).toHaveClass(
      'MuiTableCell-alignRight',
    );
  });

  it('adds a full-width detail row under the rows that have one', () => {
    render(
      <DataTable
        label="Lines"
        columns={columns}
        rows={[
          { name: 'alpha', count: 1, parts: ['a1', 'a2'] },
          { name: 'beta', count: 2 },
        ]}
        rowKey={line => line.name}
        detail={line => (line.parts ? line.parts.join(' + ') : undefined)}
      />,
    );
    const rows = within(
      screen.getByRole('table', { name: 'Lines' }),
    ).getAllByRole('row');
    expect(rows.map(row => row.textContent)).toEqual([
      'NameCountPosition',
      'alpha1#1',
      'a1 + a2',
      'beta2#2',
    ]);
    expect(within(rows[2]).getByText('a1 + a2')).toHaveAttribute(
      'colspan',
      '3',
    );
  });
});
