import { render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
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

/** Renders `lines` and answers the table's rows, the heading row first. */
function renderLines(lines: Line[], detail?: (line: Line) => ReactNode) {
  render(
    <DataTable label="Lines" columns={columns} rows={lines} detail={detail} />,
  );
  const table = screen.getByRole('table', { name: 'Lines' });
  return within(table).getAllByRole('row');
}

describe('DataTable', () => {
  it('shows a heading row and one row a line, each cell filled by its column', () => {
    const rows = renderLines([
      { name: 'alpha', count: 3 },
      { name: 'beta', count: 12 },
    ]);
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
    const rows = renderLines(
      [
        { name: 'alpha', count: 1, parts: ['a1', 'a2'] },
        { name: 'beta', count: 2 },
      ],
      line => (line.parts ? line.parts.join(' + ') : undefined),
    );
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
