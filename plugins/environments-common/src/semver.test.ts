import { compareVersions, isSemver } from './semver';

describe('isSemver', () => {
  it.each([
    '0.0.0',
    '1.2.3',
    '10.20.30',
    '1.0.0-rc.1',
    '1.0.0-alpha-1.0',
    '1.0.0+build.7',
    '1.0.0-0.3.7+sha.5114f85',
  ])('accepts %s', v => expect(isSemver(v)).toBe(true));
  it.each([
    '1',
    '1.2',
    'v1.2.3',
    '01.2.3',
    '1.2.3-',
    '1.2.3-01',
    '1.2.3+',
    '1.2.3.4',
    '1.2.x',
    ' 1.2.3',
    '1.2.3-a..b',
  ])('rejects %s', v => expect(isSemver(v)).toBe(false));
});

describe('compareVersions', () => {
  it.each([
    ['1.2.0', '1.10.0', -1],
    ['1.10.0', '1.2.0', 1],
    ['2.0.0-rc.1', '2.0.0', -1],
    ['2.0.0-rc.2', '2.0.0-rc.10', -1],
    ['2.0.0-alpha', '2.0.0-1', 1],
    ['1.0.0+build.1', '1.0.0', 0],
    ['not a version', '1.0.0', 0],
  ])('orders %s against %s as %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});
