/**
 * Label selectors (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`)
 * and the `metadata.name` / `metadata.namespace` field selectors.
 */
import { badRequest } from './status';

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim()) terms.push(current);
  return terms.map(t => t.trim()).filter(Boolean);
}

function parseTerm(term: string): Requirement {
  let m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m;
    const values = list.split(',').map(v => v.trim());
    return op === 'in'
      ? labels => key in labels && values.includes(labels[key])
      : labels => !(key in labels) || !values.includes(labels[key]);
  }
  m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m;
    return op === '!='
      ? labels => labels[key] !== value
      : labels => labels[key] === value;
  }
  m = /^!\s*([^\s!=]+)$/.exec(term);
  if (m) {
    const key = m[1];
    return labels => !(key in labels);
  }
  m = /^([^\s!=()]+)$/.exec(term);
  if (m) {
    const key = m[1];
    return labels => key in labels;
  }
  throw badRequest(
    `unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`,
  );
}

export function labelSelector(
  selector: string | null,
): (labels: Record<string, string>) => boolean {
  if (!selector) return () => true;
  const requirements = splitTerms(selector).map(parseTerm);
  return labels => requirements.every(r => r(labels));
}

export function fieldSelector(
  selector: string | null,
): (meta: { name: string; namespace?: string }) => boolean {
  if (!selector) return () => true;
  const checks = splitTerms(selector).map(term => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid field selector: '${term}'`);
    const [, field, op, value] = m;
    const pick = (meta: { name: string; namespace?: string }) => {
      if (field === 'metadata.name') return meta.name;
      if (field === 'metadata.namespace') return meta.namespace ?? '';
      throw badRequest(`field label not supported: ${field}`);
    };
    return op === '!='
      ? (meta: { name: string; namespace?: string }) => pick(meta) !== value
      : (meta: { name: string; namespace?: string }) => pick(meta) === value;
  });
  return meta => checks.every(c => c(meta));
}
