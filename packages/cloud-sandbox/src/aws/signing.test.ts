import { parseSigningScope } from './signing';

describe('parseSigningScope', () => {
  it('routes by the service in the credential scope', () => {
    const scope = parseSigningScope(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/cloudformation/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
    );
    expect(scope).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20250101',
      region: 'us-east-1',
      service: 'cloudformation',
    });
  });

  it('treats bearer tokens and missing headers as non-AWS', () => {
    expect(parseSigningScope('Bearer sandbox-token')).toBeUndefined();
    expect(parseSigningScope(undefined)).toBeUndefined();
  });
});
