/**
 * Reading a CloudFormation template body, JSON or YAML, the way
 * CloudFormation does: YAML short forms (`!Ref`, `!Sub`, …) are the long
 * forms they stand for. The replacement guard and the cost estimate read
 * templates with it, so a template means the same to both.
 */
import { isMap, isSeq, parseDocument, type Tags } from 'yaml';

type Json = Record<string, any>;

/** YAML short forms (`!Ref`, `!Sub`, …) read as their long forms. */
const SHORT_FORMS: Tags = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'ImportValue',
  'Base64',
  'GetAZs',
  'Cidr',
].flatMap(name => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const long = (value: unknown) =>
    name === 'GetAtt' && typeof value === 'string'
      ? { [key]: value.split('.', 2) }
      : { [key]: value };
  return [
    { tag: `!${name}`, resolve: (text: string) => long(text) },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (seq: unknown) => long(isSeq(seq) ? seq.toJSON() : seq),
    },
    {
      tag: `!${name}`,
      collection: 'map' as const,
      resolve: (map: unknown) => long(isMap(map) ? map.toJSON() : map),
    },
  ] as Tags;
});

/** A template body as an object, or `undefined` when it cannot be read. */
export function readTemplateBody(body: string): Json | undefined {
  try {
    if (body.trimStart().startsWith('{')) return JSON.parse(body);
    const doc = parseDocument(body, { customTags: SHORT_FORMS });
    if (doc.errors.length) return undefined;
    const template = doc.toJS();
    return template && typeof template === 'object' ? template : undefined;
  } catch {
    return undefined;
  }
}
