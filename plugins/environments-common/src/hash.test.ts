import { shortHash } from './hash';

describe('shortHash', () => {
  it('matches the FNV-1a 64-bit reference values', () => {
    expect(shortHash('', 16)).toBe('cbf29ce484222325');
    expect(shortHash('a', 16)).toBe('af63dc4c8601ec8c');
  });

  it('is short, stable and spreads similar input', () => {
    expect(shortHash('env-1')).toHaveLength(8);
    expect(shortHash('env-1')).toBe(shortHash('env-1'));
    expect(shortHash('env-1')).not.toBe(shortHash('env-2'));
    expect(shortHash('é')).toMatch(/^[0-9a-f]{8}$/);
  });

  it('refuses impossible lengths', () => {
    expect(() => shortHash('x', 0)).toThrow(RangeError);
    expect(() => shortHash('x', 17)).toThrow(RangeError);
  });
});
