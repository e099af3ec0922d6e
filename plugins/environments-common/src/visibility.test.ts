import {
  environmentTemplateAudience,
  isEnvironmentVisibleTo,
  isInEnvironmentTemplateAudience,
} from './visibility';

describe('isEnvironmentVisibleTo', () => {
  const teamOwned = {
    owner: 'group:default/team-storefront',
    createdBy: 'user:default/lena',
  };

  it('shows an environment to members of its owner group and to its creator', () => {
    expect(
      isEnvironmentVisibleTo(teamOwned, [
        'user:default/max',
        'group:default/team-storefront',
      ]),
    ).toBe(true);
    expect(isEnvironmentVisibleTo(teamOwned, ['user:default/lena'])).toBe(true);
  });

  it('hides it from anyone else', () => {
    expect(
      isEnvironmentVisibleTo(teamOwned, [
        'user:default/omar',
        'group:default/team-payments',
      ]),
    ).toBe(false);
    expect(isEnvironmentVisibleTo(teamOwned, [])).toBe(false);
    expect(
      isEnvironmentVisibleTo({ owner: 'user:default/lena', createdBy: '' }, [
        'user:default/omar',
        '',
      ]),
    ).toBe(false);
  });
});

describe('environmentTemplateAudience', () => {
  it('lists allowed users and groups as full refs', () => {
    expect(
      environmentTemplateAudience({
        allowedUsers: ['jane', 'user:other/kim'],
        allowedGroups: ['team-payments', 'Group:default/ops'],
      }),
    ).toEqual([
      'user:default/jane',
      'user:other/kim',
      'group:default/team-payments',
      'group:default/ops',
    ]);
  });

  it('is empty for an unrestricted template', () => {
    expect(environmentTemplateAudience(undefined)).toEqual([]);
    expect(environmentTemplateAudience({ ttl: undefined })).toEqual([]);
  });
});

describe('isInEnvironmentTemplateAudience', () => {
  const audience = ['user:default/jane', 'group:default/team-payments'];

  it('admits listed users and members of listed groups', () => {
    expect(
      isInEnvironmentTemplateAudience(audience, ['user:default/jane']),
    ).toBe(true);
    expect(
      isInEnvironmentTemplateAudience(audience, [
        'user:default/omar',
        'group:default/team-payments',
      ]),
    ).toBe(true);
  });

  it('refuses everyone else, and everyone for an empty audience', () => {
    expect(
      isInEnvironmentTemplateAudience(audience, [
        'user:default/lena',
        'group:default/team-storefront',
      ]),
    ).toBe(false);
    expect(isInEnvironmentTemplateAudience([], ['user:default/jane'])).toBe(
      false,
    );
  });
});
