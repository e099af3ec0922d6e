import { randomBytes, randomUUID } from 'node:crypto';

/** Lower-case hex of the given length, as AWS uses in vpc-…, sg-… ids. */
export function hex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

function fromAlphabet(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** Upper-case alphanumerics, as in CloudFormation's generated name suffixes. */
export function upperAlnum(length: number): string {
  return fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', length);
}

/** Mixed-case alphanumerics, as in the suffix of a secret's ARN. */
export function alnum(length: number): string {
  return fromAlphabet(
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
    length,
  );
}

export function digits(length: number): string {
  const bytes = randomBytes(length);
  let out = String((bytes[0] % 9) + 1);
  for (let i = 1; i < length; i++) out += String(bytes[i] % 10);
  return out;
}

export function uuid(): string {
  return randomUUID();
}

export function requestId(): string {
  return randomUUID();
}
