import { InputError } from '@backstage/errors';
import { parseDuration, tryParseDuration } from './duration';

describe('durations', () => {
  it.each([
    ['PT8H', 8 * 3600_000],
    ['P7D', 7 * 86400_000],
    ['P1DT12H', 36 * 3600_000],
    ['PT90M', 90 * 60_000],
    ['PT30S', 30_000],
    ['P2W', 14 * 86400_000],
    ['P1DT1H1M1S', 90061_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '8h',
    '7d',
    'P',
    'PT',
    'P1Y',
    'P1M',
    'PT1.5H',
    'P1H',
    'PT1D',
    'P1DT',
    'pt8h',
    'PT8H ',
    'P1D1W',
    'PT1M1H',
    '-PT1H',
    'P-1D',
    'PT1,5H',
    'P0M',
    'P1Y2D',
    'PT9999999999999999999H',
    '',
  ])('rejects %s', text => {
    expect(tryParseDuration(text)).toBeUndefined();
  });

  it('names the field', () => {
    expect(() => parseDuration('8h', 'ttl')).toThrow(InputError);
    expect(() => parseDuration('8h', 'ttl')).toThrow(
      /^ttl: '8h' is not an ISO-8601 duration/,
    );
  });
});
