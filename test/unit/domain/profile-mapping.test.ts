import { ForbiddenError } from '../../../src/domain/errors';
import { type ProfileMapping, profileNameFor } from '../../../src/domain/profile-mapping';

const emailMapping: ProfileMapping = { transform: ['email-local-part', 'lowercase', 'dots-to-dashes'], map: new Map() };

describe('profileNameFor', () => {
  it.each([
    ['alice@example.com', 'alice'],
    ['Alice.Smith@Example.com', 'alice-smith'],
    ['first_last@example.com', 'first-last'],
    ['no-at-sign', 'no-at-sign'],
  ])('maps %s to %s with the e-mail transform', (identity, profile) => {
    expect(profileNameFor(identity, emailMapping)).toBe(profile);
  });

  it('uses the identity as it is without a transform', () => {
    expect(profileNameFor('Alice', { transform: [], map: new Map() })).toBe('Alice');
  });

  it('lets an explicit map entry win over the transform', () => {
    const mapping = { ...emailMapping, map: new Map([['alice@example.com', 'alice-ds']]) };
    expect(profileNameFor('alice@example.com', mapping)).toBe('alice-ds');
    expect(profileNameFor('erin@example.com', mapping)).toBe('erin');
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
    expect(() => profileNameFor(identity, mapping as ProfileMapping)).toThrow(ForbiddenError);
  });
});
