import { parseTemplate } from './templateParser';
import {
  evaluate,
  evaluateConditions,
  referencedResources,
  type EvaluationContext,
} from './intrinsics';

const base: Omit<EvaluationContext, 'conditions'> = {
  region: 'eu-west-1',
  accountId: '000000000000',
  stackName: 'demo',
  stackId: 'arn:aws:cloudformation:eu-west-1:000000000000:stack/demo/1',
  parameters: { Env: 'prod', Subnets: ['subnet-1', 'subnet-2'] },
  mappings: { Sizes: { prod: { Cpu: '1024' } } },
  resourceRef: id => (id === 'Lb' ? 'arn:lb' : undefined),
  resourceAttribute: (id, attribute) =>
    id === 'Lb' && attribute === 'DNSName'
      ? 'lb-1.elb.amazonaws.com'
      : undefined,
};

describe('intrinsics', () => {
  const template = parseTemplate(`Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Condition IsDev]
  Both: !And [!Condition IsProd, !Condition IsDev]
Resources:
  B:
    Type: AWS::S3::Bucket
`);
  const conditions = evaluateConditions(template, base);
  const ctx: EvaluationContext = { ...base, conditions };

  it('evaluates conditions', () => {
    expect(conditions).toEqual({
      IsProd: true,
      IsDev: false,
      Either: true,
      Both: false,
    });
  });

  it('evaluates the functions outputs are built from', () => {
    expect(
      evaluate(
        { 'Fn::Sub': 'http://${Lb.DNSName}/${AWS::Region}/${!Literal}' },
        ctx,
      ),
    ).toBe('http://lb-1.elb.amazonaws.com/eu-west-1/${Literal}');
    expect(evaluate({ 'Fn::Join': [',', { Ref: 'Subnets' }] }, ctx)).toBe(
      'subnet-1,subnet-2',
    );
    expect(evaluate({ 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }, ctx)).toBe(
      'eu-west-1b',
    );
    expect(evaluate({ 'Fn::If': ['IsProd', 'big', 'small'] }, ctx)).toBe('big');
    expect(
      evaluate({ 'Fn::FindInMap': ['Sizes', { Ref: 'Env' }, 'Cpu'] }, ctx),
    ).toBe('1024');
    expect(evaluate({ Ref: 'AWS::StackName' }, ctx)).toBe('demo');
    expect(
      evaluate(
        { A: { 'Fn::If': ['IsDev', 'x', { Ref: 'AWS::NoValue' }] }, B: 1 },
        ctx,
      ),
    ).toEqual({ B: 1 });
    expect(() => evaluate({ 'Fn::Select': [5, ['a']] }, ctx)).toThrow(
      /nonexistent value at index 5/,
    );
  });

  it('finds resource dependencies through Ref, GetAtt and Sub', () => {
    const names = new Set(['Vpc', 'Lb', 'Sg']);
    const deps = referencedResources(
      {
        A: { Ref: 'Vpc' },
        B: { 'Fn::GetAtt': ['Sg', 'GroupId'] },
        C: { 'Fn::Sub': ['${Lb.DNSName}-${Local}', { Local: 'x' }] },
        D: { Ref: 'AWS::Region' },
      },
      names,
    );
    expect([...deps].sort()).toEqual(['Lb', 'Sg', 'Vpc']);
  });
});
