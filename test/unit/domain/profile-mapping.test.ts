import { ForbiddenError } from '../../../src/domain/errors';
import { type ProfileMapping, profileNameFor } from '../../../src/domain/profile-mapping';

const emailMapping: ProfileMapping = { transform: ['email-local-part', 'lowercase', 'dots-to-dashes'], map: new Map() };
const id = (key: string) => ({ canonical: key, transformInput: key });

describe('profileNameFor', () => {
  it.each([
    ['alice@example.com', 'alice'],
    ['Alice.Smith@Example.com', 'alice-smith'],
    ['first_last@example.com', 'first-last'],
    ['no-at-sign', 'no-at-sign'],
  ])('maps %s to %s with the e-mail transform', (identity, profile) => {
    expect(profileNameFor(id(identity), emailMapping)).toBe(profile);
  });

  it('uses the identity as it is without a transform', () => {
    expect(profileNameFor(id('Alice'), { transform: [], map: new Map() })).toBe('Alice');
  });

  it('lets an explicit map entry, keyed by the canonical identity, win over the transform', () => {
    const mapping = { ...emailMapping, map: new Map([['alice@example.com', 'alice-ds']]) };
    expect(profileNameFor(id('alice@example.com'), mapping)).toBe('alice-ds');
    expect(profileNameFor(id('erin@example.com'), mapping)).toBe('erin');
  });

  it('maps an identity without transform input only through the map', () => {
    const mapping = { ...emailMapping, map: new Map([['111122223333:role/Admins', 'admins']]) };
    expect(profileNameFor({ canonical: '111122223333:role/Admins' }, mapping)).toBe('admins');
    expect(() => profileNameFor({ canonical: '111122223333:role/Other' }, mapping)).toThrow(
      expect.objectContaining({ reason: 'identity-unmapped' }),
    );
  });

  it.each([
    ['a result with a slash', 'role/Admins', { transform: [], map: new Map() }],
    ['a result starting with a dash', '-alice@example.com', emailMapping],
    ['a result longer than 63 characters', `${'a'.repeat(64)}@example.com`, emailMapping],
    ['an empty local part', '@example.com', emailMapping],
    ['a path traversal', '../bob', emailMapping],
    ['a NUL byte', 'bob\u0000@example.com', emailMapping],
    ['a Kelvin sign that lower-cases to k', '\u212Aarl@example.com', emailMapping],
    ['a Cyrillic look-alike', '\u0430lice@example.com', emailMapping],
    ['whitespace', 'bob smith@example.com', emailMapping],
    ['a second @ in the local part', 'a.b@c@example.com', emailMapping],
  ])('denies %s', (_what, identity, mapping) => {
    expect(() => profileNameFor(id(identity), mapping as ProfileMapping)).toThrow(ForbiddenError);
  });
});
