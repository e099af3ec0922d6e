// FNV-1a, 64-bit, over the UTF-8 bytes of the input. It is not a
// cryptographic hash: it only has to spread similar inputs apart so that
// derived cloud names stay short, stable and distinct. Pure JS so the browser
// derives the same names as the backend.
const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

const encoder = new TextEncoder();

/**
 * A stable lowercase hex digest of `input` (FNV-1a 64-bit), cut to `length`
 * characters (1 to 16).
 *
 * @public
 */
export function shortHash(input: string, length = 8): string {
  if (!Number.isInteger(length) || length < 1 || length > 16) {
    throw new RangeError(`shortHash length must be 1..16, got ${length}`);
  }
  let hash = FNV64_OFFSET;
  for (const byte of encoder.encode(input)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV64_PRIME) & MASK64;
  }
  return hash.toString(16).padStart(16, '0').slice(0, length);
}
