import { assertSpaceOpenableBy, MAX_LISTED_SPACES, openableSpaces } from '../../../src/domain/space-access';

describe('assertSpaceOpenableBy', () => {
  it.each([
    [{ sharingType: 'Shared', ownerUserProfileName: 'bob' }, 'alice', undefined],
    [{ sharingType: 'Private', ownerUserProfileName: 'alice' }, 'alice', undefined],
    [{ sharingType: 'Private', ownerUserProfileName: 'bob' }, 'alice', 'space-not-owned'],
    [{ sharingType: 'Private', ownerUserProfileName: 'Alice' }, 'alice', 'space-not-owned'],
    [{ sharingType: 'Private' }, 'alice', 'space-not-owned'],
    [{ ownerUserProfileName: 'alice' }, 'alice', 'space-sharing-unknown'],
    [{ sharingType: 'Public', ownerUserProfileName: 'alice' }, 'alice', 'space-sharing-unknown'],
  ])('judges %j for %s: %s', (space, profile, reason) => {
    if (reason === undefined) expect(() => assertSpaceOpenableBy(space, profile)).not.toThrow();
    else expect(() => assertSpaceOpenableBy(space, profile)).toThrow(expect.objectContaining({ reason }));
  });
});

describe('openableSpaces (the SSO chooser’s list)', () => {
  it('offers shared spaces and the caller’s own private ones, by name, at most 20', () => {
    const listing = [
      { spaceName: 'team-b', sharingType: 'Shared', ownerUserProfileName: 'bob' },
      { spaceName: 'mine', sharingType: 'Private', ownerUserProfileName: 'grace' },
      { spaceName: 'bobs', sharingType: 'Private', ownerUserProfileName: 'bob' },
      { spaceName: 'odd', sharingType: 'Something' },
      { spaceName: 'bare' },
      ...Array.from({ length: 30 }, (_, i) => ({ spaceName: `shared-${String(i).padStart(2, '0')}`, sharingType: 'Shared' })),
    ];
    const offered = openableSpaces(listing, 'grace');
    expect(offered).toHaveLength(MAX_LISTED_SPACES);
    expect(offered.slice(0, 2)).toEqual(['mine', 'shared-00']);
    expect(offered).not.toContain('bobs');
    expect(offered).not.toContain('odd');
    expect(offered).not.toContain('bare');
  });
});
