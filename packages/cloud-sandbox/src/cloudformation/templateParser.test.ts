import { parseTemplate, requiredCapability } from './templateParser';

describe('parseTemplate', () => {
  it('turns YAML short-form tags into their long JSON forms', () => {
    const template = parseTemplate(`Resources:
  Thing:
    Type: AWS::S3::Bucket
    Properties:
      A: !Ref Param
      B: !GetAtt Other.Arn
      C: !Sub '\${AWS::Region}-x'
      D: !Join ['-', [a, !Ref Param]]
      E: !Select [0, !GetAZs '']
      F: !If [Cond, yes, no]
      G: !Sub
        - '\${X}'
        - X: !Ref Param
`);
    expect(template.Resources.Thing.Properties).toEqual({
      A: { Ref: 'Param' },
      B: { 'Fn::GetAtt': ['Other', 'Arn'] },
      C: { 'Fn::Sub': '${AWS::Region}-x' },
      D: { 'Fn::Join': ['-', ['a', { Ref: 'Param' }]] },
      E: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      F: { 'Fn::If': ['Cond', 'yes', 'no'] },
      G: { 'Fn::Sub': ['${X}', { X: { Ref: 'Param' } }] },
    });
  });

  it('parses JSON bodies and reports malformed ones as CloudFormation does', () => {
    expect(
      parseTemplate('{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}').Resources
        .B.Type,
    ).toBe('AWS::S3::Bucket');
    expect(() => parseTemplate('{"Resources":')).toThrow(
      'Template format error: JSON not well-formed.',
    );
    expect(() => parseTemplate('Parameters: {}')).toThrow(
      'Template format error: At least one Resources member must be defined.',
    );
  });

  it('decides which IAM capability a template needs', () => {
    const role = (props: string) =>
      parseTemplate(
        `Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: {${props}}\n`,
      );
    expect(requiredCapability(role(''))).toBe('CAPABILITY_IAM');
    expect(requiredCapability(role('RoleName: fixed'))).toBe(
      'CAPABILITY_NAMED_IAM',
    );
    expect(
      requiredCapability(
        parseTemplate('Resources:\n  B:\n    Type: AWS::S3::Bucket\n'),
      ),
    ).toBeUndefined();
  });
});
