import Table from 'cli-table3';
import { CliIo } from './io';
import { EnvironmentView, TemplateView } from './views';

export type OutputFormat = 'json' | 'table';

export const OUTPUT_FORMATS: OutputFormat[] = ['json', 'table'];

// Plain columns, as kubectl prints them: no borders, no colours.
const PLAIN = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '   ',
  },
  style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [] },
};

function table(head: string[] | undefined, rows: string[][]): string {
  const t = new Table({ ...PLAIN, ...(head ? { head } : {}) });
  t.push(...rows);
  // Trailing spaces of the last column are noise in a terminal and a diff.
  return `${t
    .toString()
    .split('\n')
    .map(line => line.trimEnd())
    .join('\n')}\n`;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function printJson(io: CliIo, value: unknown) {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function printEnvironment(
  io: CliIo,
  format: OutputFormat,
  view: EnvironmentView,
) {
  if (format === 'json') {
    printJson(io, view);
    return;
  }
  const rows: string[][] = [
    ['Name', view.name],
    ['Id', view.id],
    ['Phase', view.phase],
    ['Endpoint', text(view.endpoint)],
    ['Owner', view.owner],
    ...(view.component ? [['Component', view.component]] : []),
    ['Template', `${view.template}@${view.templateVersion}`],
    ['Expires', text(view.expiresAt) || 'never'],
    ['Created by', view.createdBy],
    ...Object.entries(view.inputs ?? {}).map(([k, v]) => [
      `Input ${k}`,
      text(v),
    ]),
    ...(view.secretInputs ?? []).map(k => [`Input ${k}`, '(secret)']),
    ...(view.lastError
      ? [
          [
            'Last error',
            `${view.lastError.reason}: ${view.lastError.message}${
              view.lastError.resource ? ` (${view.lastError.resource})` : ''
            }`,
          ],
        ]
      : []),
  ];
  io.stdout(table(undefined, rows));
}

/** `json` as JSON, or a table of `columns` and `rows`. */
function printJsonOrTable(
  io: CliIo,
  format: OutputFormat,
  json: unknown,
  columns: string[],
  rows: string[][],
) {
  if (format === 'json') {
    printJson(io, json);
  } else {
    io.stdout(table(columns, rows));
  }
}

export function printEnvironmentList(
  io: CliIo,
  format: OutputFormat,
  views: EnvironmentView[],
) {
  printJsonOrTable(
    io,
    format,
    views,
    ['NAME', 'PHASE', 'OWNER', 'TEMPLATE', 'ENDPOINT', 'EXPIRES'],
    views.map(v => [
      v.name,
      v.phase,
      v.owner,
      `${v.template}@${v.templateVersion}`,
      text(v.endpoint),
      text(v.expiresAt),
    ]),
  );
}

export function printKeyValues(
  io: CliIo,
  format: OutputFormat,
  values: Record<string, unknown>,
) {
  printJsonOrTable(
    io,
    format,
    values,
    ['KEY', 'VALUE'],
    Object.entries(values).map(([k, v]) => [k, text(v)]),
  );
}

export function printTemplates(
  io: CliIo,
  format: OutputFormat,
  views: TemplateView[],
) {
  printJsonOrTable(
    io,
    format,
    views,
    ['TEMPLATE', 'VERSION', 'VALID', 'INPUTS'],
    views.map(v => [
      v.ref,
      text(v.version),
      v.valid ? 'yes' : `no: ${text(v.error)}`,
      v.inputs
        .filter(i => i.policy !== 'locked')
        .map(i => `${i.name}${i.required ? '*' : ''}`)
        .join(', '),
    ]),
  );
}
