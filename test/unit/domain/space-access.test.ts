import { assertSpaceOpenableBy } from '../../../src/domain/space-access';

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
