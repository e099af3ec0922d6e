import { InputError } from '@backstage/errors';
import { lifetimeChoices, parseDuration, tryParseDuration } from './duration';

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

describe('lifetimeChoices', () => {
  it('offers the presets up to the maximum, the maximum and the default, in words', () => {
    expect(lifetimeChoices('P2D', 'PT12H')).toEqual([
      { ttl: 'PT1H', ms: 3_600_000, label: '1 hour' },
      { ttl: 'PT4H', ms: 14_400_000, label: '4 hours' },
      { ttl: 'PT8H', ms: 28_800_000, label: '8 hours' },
      { ttl: 'PT12H', ms: 43_200_000, label: '12 hours' },
      { ttl: 'P1D', ms: 86_400_000, label: '1 day' },
      { ttl: 'P2D', ms: 172_800_000, label: '2 days' },
    ]);
  });

  it('never offers more than the maximum, nor P30D under a P7D cap', () => {
    const ttls = lifetimeChoices('P7D', 'PT8H').map(c => c.ttl);
    expect(ttls).toEqual(['PT1H', 'PT4H', 'PT8H', 'P1D', 'P3D', 'P7D']);
    expect(lifetimeChoices('PT2H').map(c => c.ttl)).toEqual(['PT1H', 'PT2H']);
  });
});
