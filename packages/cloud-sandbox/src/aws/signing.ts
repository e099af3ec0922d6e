/**
 * Reads the service name out of a SigV4 Authorization header's credential
 * scope (`Credential=AKID/20250101/us-east-1/cloudformation/aws4_request`).
 * The sandbox never verifies signatures: it only needs to route the call.
 */
export interface SigningScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export function parseSigningScope(
  authorization: string | undefined,
): SigningScope | undefined {
  if (!authorization || !authorization.startsWith('AWS4-HMAC-SHA256')) {
    return undefined;
  }
  const match =
    /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(
      authorization,
    );
  if (!match) return undefined;
  return {
    accessKeyId: match[1],
    date: match[2],
    region: match[3],
    service: match[4],
  };
}
