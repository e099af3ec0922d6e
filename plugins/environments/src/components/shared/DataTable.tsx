import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { Fragment, type CSSProperties, type ReactNode } from 'react';

/** One column of a {@link DataTable}: its heading and how a row fills it. */
export interface DataColumn<T> {
  title: string;
  /** Applied to every cell of the column, and to its heading unless `headStyle` is given. */
  style?: CSSProperties;
  headStyle?: CSSProperties;
  /** `right` for numbers and amounts. */
  align?: 'left' | 'right';
  cell: (row: T, index: number) => ReactNode;
}

/**
 * How a {@link DataTable} tells its rows apart: rows with a `name` are keyed
 * by it unless `rowKey` says otherwise; other rows need a `rowKey`.
 */
type RowKeyProps<T> = [T] extends [{ name: string }]
  ? { rowKey?: (row: T) => string }
  : { rowKey: (row: T) => string };

const byName = (row: unknown) => (row as { name: string }).name;

/**
 * A small, read-only table of rows under a heading row, as the cards and
 * pages of this plugin show them (resources, inputs, parameters, quotas).
 * `detail` may add one full-width row under a row, e.g. a nested table.
 */
export function DataTable<T>(
  props: {
    label: string;
    columns: DataColumn<T>[];
    rows: readonly T[];
    detail?: (row: T) => ReactNode;
  } & RowKeyProps<T>,
) {
  const { columns, detail } = props;
  const rowKey: (row: T) => string = props.rowKey ?? byName;
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          {columns.map(column => (
            <TableCell
              key={column.title}
              align={column.align}
              style={column.headStyle ?? column.style}
            >
              {column.title}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.rows.map((row, index) => {
          const extra = detail?.(row);
          return (
            <Fragment key={rowKey(row)}>
              <TableRow>
                {columns.map(column => (
                  <TableCell
                    key={column.title}
                    align={column.align}
                    style={column.style}
                  >
                    {column.cell(row, index)}
                  </TableCell>
                ))}
              </TableRow>
              {extra && (
                <TableRow>
                  <TableCell colSpan={columns.length}>{extra}</TableCell>
                </TableRow>
              )}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
}
