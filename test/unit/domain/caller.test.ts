import { ALLOW_ANY, allowOnly } from '../../../src/domain/allow-list';
import {
  type ClaimIdentitySettings,
  claimPolicyFor,
  type IamCallerPolicy,
  iamIdentity,
  type JwtCallerPolicy,
  jwtIdentity,
  parseIamPrincipal,
  samlPolicyFor,
} from '../../../src/domain/caller';
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

describe('iamIdentity', () => {
  const policy: IamCallerPolicy = {
    allowedAccounts: ['111122223333'],
    allowedRoles: allowOnly(['111122223333:StudioUsers', '111122223333:PlatformAdmins']),
    allowedUsers: allowOnly(['111122223333:alice']),
    sessionNameRoles: ['111122223333:StudioUsers'],
    email: { required: false },
  };

  it('qualifies an IAM user with its account and transforms its name', () => {
    expect(iamIdentity({ accountId: '111122223333', type: 'user', name: 'alice' }, policy)).toEqual({
      canonical: '111122223333:user/alice',
      transformInput: 'alice',
      groups: ['111122223333:alice'],
    });
  });

  it('takes the session name for a role trusted to set it, qualified by account and role', () => {
    const principal = { accountId: '111122223333', type: 'assumed-role', name: 'StudioUsers', sessionName: 'erin' } as const;
    expect(iamIdentity(principal, policy)).toEqual({
      canonical: '111122223333:assumed-role/StudioUsers/erin',
      transformInput: 'erin',
      groups: ['111122223333:StudioUsers'],
    });
  });

  it('does not let an untrusted role choose the profile through its session name', () => {
    const principal = { accountId: '111122223333', type: 'assumed-role', name: 'PlatformAdmins', sessionName: 'alice' } as const;
    expect(iamIdentity(principal, policy)).toEqual({
      canonical: '111122223333:role/PlatformAdmins',
      groups: ['111122223333:PlatformAdmins'],
    });
  });

  it.each([
    [{ accountId: '444455556666', type: 'user', name: 'alice' } as const, 'iam-account-not-allowed'],
    [{ accountId: '111122223333', type: 'assumed-role', name: 'Other', sessionName: 'alice' } as const, 'iam-role-not-allowed'],
    [{ accountId: '111122223333', type: 'user', name: 'bob' } as const, 'iam-user-not-allowed'],
  ])('denies %j (%s)', (principal, reason) => {
    expect(() => iamIdentity(principal, policy)).toThrow(expect.objectContaining({ reason }));
  });

  it('does not take a role of the same name in another allowed account for ours', () => {
    const twoAccounts = { ...policy, allowedAccounts: ['111122223333', '444455556666'] };
    const principal = { accountId: '444455556666', type: 'assumed-role', name: 'StudioUsers', sessionName: 'alice' } as const;
    expect(() => iamIdentity(principal, twoAccounts)).toThrow(expect.objectContaining({ reason: 'iam-role-not-allowed' }));
  });

  it.each([
    ['a session name of another domain', 'ALICE@evil.example', 'email-domain-not-allowed'],
    ['a bare name', 'alice', 'identity-email-malformed'],
    ['a suffix domain', 'alice@example.com.evil.example', 'email-domain-not-allowed'],
  ])('applies the email rules to session names: refuses %s', (_what, sessionName, reason) => {
    const emailPolicy = { ...policy, email: { required: true, allowedDomains: ['example.com'] } };
    const principal = { accountId: '111122223333', type: 'assumed-role', name: 'StudioUsers', sessionName } as const;
    expect(() => iamIdentity(principal, emailPolicy)).toThrow(expect.objectContaining({ reason }));
  });

  it('lower-cases an email session name in the canonical identity', () => {
    const emailPolicy = { ...policy, email: { required: true, allowedDomains: ['example.com'] } };
    const principal = {
      accountId: '111122223333',
      type: 'assumed-role',
      name: 'StudioUsers',
      sessionName: 'Alice@Example.com',
    } as const;
    expect(iamIdentity(principal, emailPolicy).canonical).toBe('111122223333:assumed-role/StudioUsers/alice@example.com');
  });
});

describe('jwtIdentity', () => {
  const policy: JwtCallerPolicy = {
    profileClaim: 'email',
    groupsClaim: 'groups',
    requiredGroups: allowOnly(['studio-users']),
    requireEmailVerified: true,
    email: { required: true, allowedDomains: ['example.com'] },
  };
  const ok = { email_verified: true, groups: ['studio-users'] };

  it('returns the lower-cased email of a verified member of a required group', () => {
    expect(jwtIdentity({ ...ok, email: 'Alice@Example.com', groups: ['x', 'studio-users'] }, policy)).toEqual({
      canonical: 'alice@example.com',
      transformInput: 'alice@example.com',
      groups: ['x', 'studio-users'],
    });
  });

  it('treats a groups string as one group unless a delimiter is configured', () => {
    const claims = { ...ok, email: 'a@example.com', groups: 'x studio-users' };
    expect(() => jwtIdentity(claims, policy)).toThrow(expect.objectContaining({ reason: 'group-missing' }));
    expect(jwtIdentity({ ...claims, groups: 'studio-users' }, policy).canonical).toBe('a@example.com');
    expect(jwtIdentity(claims, { ...policy, groupsDelimiter: ' ' }).canonical).toBe('a@example.com');
    expect(jwtIdentity({ ...claims, groups: 'x,studio-users' }, { ...policy, groupsDelimiter: ',' }).canonical).toBe(
      'a@example.com',
    );
  });

  it.each([
    ['no groups claim', { email: 'a@example.com', email_verified: true }, 'group-missing'],
    ['other groups only', { ...ok, email: 'a@example.com', groups: ['contractors'] }, 'group-missing'],
    ['a group differing in case', { ...ok, email: 'a@example.com', groups: ['Studio-Users'] }, 'group-missing'],
    ['groups of the wrong type', { ...ok, email: 'a@example.com', groups: { 'studio-users': true } }, 'group-missing'],
    ['no profile claim', { ...ok }, 'profile-claim-missing'],
    ['a non-string profile claim', { ...ok, email: ['alice@example.com'] }, 'profile-claim-missing'],
    ['an empty profile claim', { ...ok, email: '' }, 'profile-claim-missing'],
    ['email_verified false', { ...ok, email: 'alice@example.com', email_verified: false }, 'email-not-verified'],
    ['email_verified as a string', { ...ok, email: 'alice@example.com', email_verified: 'true' }, 'email-not-verified'],
    ['no email_verified', { groups: ['studio-users'], email: 'alice@example.com' }, 'email-not-verified'],
    ['another domain', { ...ok, email: 'alice@evil.example' }, 'email-domain-not-allowed'],
    ['a suffix look-alike domain', { ...ok, email: 'alice@example.com.evil.example' }, 'email-domain-not-allowed'],
    ['a parent domain', { ...ok, email: 'alice@com' }, 'identity-email-malformed'],
    ['a subdomain', { ...ok, email: 'alice@sub.example.com' }, 'email-domain-not-allowed'],
    ['a bare name', { ...ok, email: 'alice' }, 'identity-email-malformed'],
    ['two addresses', { ...ok, email: 'alice@example.com,bob@example.com' }, 'identity-email-malformed'],
    ['two @', { ...ok, email: 'alice@evil.example@example.com' }, 'identity-email-malformed'],
    ['a quoted local part', { ...ok, email: '"alice"@example.com' }, 'identity-email-malformed'],
    ['a Cyrillic look-alike', { ...ok, email: '\u0430lice@example.com' }, 'identity-email-malformed'],
    ['trailing whitespace', { ...ok, email: 'alice@example.com ' }, 'identity-email-malformed'],
  ])('denies a token with %s', (_what, claims, reason) => {
    expect(() => jwtIdentity(claims, policy)).toThrow(expect.objectContaining({ reason }));
  });

  it('requires email_verified only while it is on', () => {
    expect(
      jwtIdentity({ groups: ['studio-users'], email: 'a@example.com' }, { ...policy, requireEmailVerified: false }).canonical,
    ).toBe('a@example.com');
  });

  it('takes a non-email claim as signed when no email rule applies', () => {
    const sub = { ...policy, profileClaim: 'sub', requireEmailVerified: false, email: { required: false } };
    expect(jwtIdentity({ groups: ['studio-users'], sub: 'Idp|Alice' }, sub)).toEqual({
      canonical: 'Idp|Alice',
      transformInput: 'Idp|Alice',
      groups: ['studio-users'],
    });
  });

  it('holds a value with an @ to the email rules even when no email rule is configured', () => {
    const sub = { ...policy, profileClaim: 'upn', email: { required: false } };
    expect(() => jwtIdentity({ groups: ['studio-users'], upn: 'alice@example.com' }, sub)).toThrow(
      expect.objectContaining({ reason: 'email-not-verified' }),
    );
    expect(() => jwtIdentity({ ...ok, upn: 'Alice@Example.com ' }, sub)).toThrow(
      expect.objectContaining({ reason: 'identity-email-malformed' }),
    );
  });

  it('asks a non-email claim holding an address for the same address, verified, in `email`', () => {
    const upn = { ...policy, profileClaim: 'upn' };
    const claims = { ...ok, upn: 'Alice@Example.com' };
    expect(jwtIdentity({ ...claims, email: 'alice@example.com' }, upn).canonical).toBe('alice@example.com');
    expect(() => jwtIdentity({ ...claims, email: 'mallory@example.com' }, upn)).toThrow(
      expect.objectContaining({ reason: 'email-not-verified-for-claim' }),
    );
    expect(() => jwtIdentity(claims, upn)).toThrow(expect.objectContaining({ reason: 'email-not-verified-for-claim' }));
    expect(jwtIdentity(claims, { ...upn, requireEmailVerified: false }).canonical).toBe('alice@example.com');
  });

  it('requires no group when REQUIRED_GROUPS is *', () => {
    expect(
      jwtIdentity({ email: 'a@example.com', email_verified: true }, { ...policy, requiredGroups: ALLOW_ANY }).canonical,
    ).toBe('a@example.com');
  });

  it('denies everyone when the required-group list is empty', () => {
    expect(() => jwtIdentity({ ...ok, email: 'a@example.com' }, { ...policy, requiredGroups: allowOnly([]) })).toThrow(
      ForbiddenError,
    );
  });
});

describe('claimPolicyFor and samlPolicyFor: the rules of the claim each way in reads', () => {
  const settings: ClaimIdentitySettings = {
    groupsClaim: 'groups',
    requiredGroups: allowOnly(['studio-users']),
    groupsDelimiter: ',',
    transformTakesLocalPart: false,
  };

  it.each([
    ['email', settings, true],
    ['sub', settings, false],
    ['upn', { ...settings, allowedDomains: ['example.com'] }, true],
    ['sub', { ...settings, transformTakesLocalPart: true }, true],
  ])('makes %s an email identity exactly when the claim, the transform or ALLOWED_EMAIL_DOMAINS says so', (claim, s, email) => {
    const policy = claimPolicyFor(claim, s, undefined);
    expect(policy).toMatchObject({ profileClaim: claim, requireEmailVerified: true, email: { required: email } });
  });

  it('switches email_verified off only when told so', () => {
    expect(claimPolicyFor('email', settings, false).requireEmailVerified).toBe(false);
    expect(claimPolicyFor('email', settings, true).requireEmailVerified).toBe(true);
  });

  it.each([
    [undefined, false],
    ['email', true],
    ['urn:oid:0.9.2342.19200300.100.1.3', true],
    ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', true],
    ['uid', false],
  ])('reads SAML attribute %s as an email identity: %s, never asking for email_verified', (attribute, email) => {
    const policy = samlPolicyFor(attribute, settings);
    expect(policy).toMatchObject({ profileClaim: 'profile', groupsClaim: 'groups', requireEmailVerified: false });
    expect(policy.email.required).toBe(email);
    expect(policy.groupsDelimiter).toBeUndefined();
  });
});
