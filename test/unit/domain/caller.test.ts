import { ALLOW_ANY, allowOnly } from '../../../src/domain/allow-list';
import { type IamCallerPolicy, iamIdentityKey, jwtIdentityKey, parseIamPrincipal } from '../../../src/domain/caller';
import { ForbiddenError, UnauthenticatedError } from '../../../src/domain/errors';

describe('parseIamPrincipal', () => {
  it.each([
    ['arn:aws:iam::111122223333:user/alice', { accountId: '111122223333', type: 'user', name: 'alice' }],
    ['arn:aws:iam::111122223333:user/division/team/alice', { accountId: '111122223333', type: 'user', name: 'alice' }],
    [
      'arn:aws:sts::111122223333:assumed-role/StudioUsers/alice@example.com',
      { accountId: '111122223333', type: 'assumed-role', name: 'StudioUsers', sessionName: 'alice@example.com' },
    ],
    [
      'arn:aws-us-gov:sts::111122223333:assumed-role/StudioUsers/bob',
      { accountId: '111122223333', type: 'assumed-role', name: 'StudioUsers', sessionName: 'bob' },
    ],
  ])('parses %s', (arn, expected) => {
    expect(parseIamPrincipal(arn)).toEqual(expected);
  });

  it.each([undefined, ''])('refuses a missing principal (%p) as unauthenticated', (arn) => {
    expect(() => parseIamPrincipal(arn)).toThrow(UnauthenticatedError);
  });

  it.each([
    'arn:aws:iam::111122223333:root',
    'arn:aws:sts::111122223333:federated-user/alice',
    'arn:aws:iam::111122223333:role/StudioUsers',
    'arn:aws:sts::1111222233:assumed-role/StudioUsers/alice',
    'arn:aws:sts::111122223333:assumed-role/StudioUsers/alice/extra',
    'alice',
  ])('refuses %s as unsupported', (arn) => {
    expect(() => parseIamPrincipal(arn)).toThrow(ForbiddenError);
  });
});

describe('iamIdentityKey', () => {
  const policy: IamCallerPolicy = {
    allowedAccounts: allowOnly(['111122223333']),
    allowedRoles: allowOnly(['StudioUsers', 'PlatformAdmins']),
    allowedUsers: allowOnly(['alice']),
    sessionNameRoles: ['StudioUsers'],
  };

  it('takes the user name for an IAM user', () => {
    expect(iamIdentityKey({ accountId: '111122223333', type: 'user', name: 'alice' }, policy)).toBe('alice');
  });

  it('takes the session name for a role trusted to set it', () => {
    const principal = { accountId: '111122223333', type: 'assumed-role', name: 'StudioUsers', sessionName: 'erin' } as const;
    expect(iamIdentityKey(principal, policy)).toBe('erin');
  });

  it('does not let an untrusted role choose the profile through its session name', () => {
    const principal = { accountId: '111122223333', type: 'assumed-role', name: 'PlatformAdmins', sessionName: 'alice' } as const;
    expect(iamIdentityKey(principal, policy)).toBe('role/PlatformAdmins');
  });

  it.each([
    [{ accountId: '444455556666', type: 'user', name: 'alice' } as const, 'iam-account-not-allowed'],
    [{ accountId: '111122223333', type: 'assumed-role', name: 'Other', sessionName: 'alice' } as const, 'iam-role-not-allowed'],
    [{ accountId: '111122223333', type: 'user', name: 'bob' } as const, 'iam-user-not-allowed'],
  ])('denies %j (%s)', (principal, reason) => {
    expect(() => iamIdentityKey(principal, policy)).toThrow(expect.objectContaining({ reason }));
  });

  it('allows any account only when told so with *', () => {
    expect(
      iamIdentityKey({ accountId: '444455556666', type: 'user', name: 'alice' }, { ...policy, allowedAccounts: ALLOW_ANY }),
    ).toBe('alice');
  });
});

describe('jwtIdentityKey', () => {
  const policy = { profileClaim: 'email', groupsClaim: 'groups', requiredGroups: allowOnly(['studio-users']) };

  it('returns the profile claim of a member of a required group', () => {
    expect(jwtIdentityKey({ email: 'alice@example.com', groups: ['x', 'studio-users'] }, policy)).toBe('alice@example.com');
  });

  it.each([
    ['a space-separated groups string', { email: 'a@example.com', groups: 'x studio-users' }],
    ['a comma-separated groups string', { email: 'a@example.com', groups: 'x,studio-users' }],
  ])('accepts %s', (_what, claims) => {
    expect(jwtIdentityKey(claims, policy)).toBe('a@example.com');
  });

  it.each([
    ['no groups claim', { email: 'a@example.com' }, 'group-missing'],
    ['other groups only', { email: 'a@example.com', groups: ['contractors'] }, 'group-missing'],
    ['a group differing in case', { email: 'a@example.com', groups: ['Studio-Users'] }, 'group-missing'],
    ['groups of the wrong type', { email: 'a@example.com', groups: { 'studio-users': true } }, 'group-missing'],
    ['no profile claim', { groups: ['studio-users'] }, 'profile-claim-missing'],
    ['a non-string profile claim', { email: ['alice@example.com'], groups: ['studio-users'] }, 'profile-claim-missing'],
    ['an empty profile claim', { email: '', groups: ['studio-users'] }, 'profile-claim-missing'],
  ])('denies a token with %s', (_what, claims, reason) => {
    expect(() => jwtIdentityKey(claims, policy)).toThrow(expect.objectContaining({ reason }));
  });

  it('requires no group when REQUIRED_GROUPS is *', () => {
    expect(jwtIdentityKey({ email: 'a@example.com' }, { ...policy, requiredGroups: ALLOW_ANY })).toBe('a@example.com');
  });

  it('denies everyone when the required-group list is empty', () => {
    expect(() =>
      jwtIdentityKey({ email: 'a@example.com', groups: ['studio-users'] }, { ...policy, requiredGroups: allowOnly([]) }),
    ).toThrow(ForbiddenError);
  });
});
