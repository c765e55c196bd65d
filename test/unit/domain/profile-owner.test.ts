import { UpstreamInvalidResponseError } from '../../../src/domain/errors';
import { assertProfileArn, assertProfileOwnedBy } from '../../../src/domain/profile-owner';

const TAG = 'studio-gate:owner';

describe('assertProfileOwnedBy', () => {
  it('accepts a profile whose owner tag is exactly the caller', () => {
    expect(() =>
      assertProfileOwnedBy(
        [
          { key: 'team', value: 'x' },
          { key: TAG, value: 'alice@example.com' },
        ],
        'alice@example.com',
        TAG,
      ),
    ).not.toThrow();
  });

  it.each([
    ['no tags', [], 'profile-owner-missing'],
    ['other tags only', [{ key: 'studiouserid', value: 'alice@example.com' }], 'profile-owner-missing'],
    ['an empty owner', [{ key: TAG, value: '' }], 'profile-owner-missing'],
    ['another owner', [{ key: TAG, value: 'john.smith@example.com' }], 'profile-owner-mismatch'],
    ['the owner in another case', [{ key: TAG, value: 'Alice@example.com' }], 'profile-owner-mismatch'],
    ['the owner with a trailing space', [{ key: TAG, value: 'alice@example.com ' }], 'profile-owner-mismatch'],
    // IAM's tag conditions read a key in any case: a look-alike is a second owner tag, so the profile is ambiguous.
    ['the key in another case', [{ key: 'Studio-Gate:Owner', value: 'alice@example.com' }], 'profile-owner-mismatch'],
    [
      'the caller’s tag beside a look-alike key naming someone else',
      [
        { key: TAG, value: 'alice@example.com' },
        { key: 'STUDIO-GATE:OWNER', value: 'mallory@example.com' },
      ],
      'profile-owner-mismatch',
    ],
    [
      'two owner tags, one of them the caller',
      [
        { key: TAG, value: 'alice@example.com' },
        { key: TAG, value: 'bob@example.com' },
      ],
      'profile-owner-mismatch',
    ],
  ])('refuses %s', (_what, tags, reason) => {
    expect(() => assertProfileOwnedBy(tags, 'alice@example.com', TAG)).toThrow(expect.objectContaining({ reason }));
  });
});

describe('assertProfileArn', () => {
  const expected = { region: 'eu-west-1', domainId: 'd-localdemo', userProfileName: 'alice' };

  it.each([
    'arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-localdemo/alice',
    'arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-localdemo/ALICE',
  ])('accepts %s', (arn) => {
    expect(assertProfileArn(arn, expected)).toBe(arn);
  });

  it.each([
    [undefined, 'profile-arn-missing'],
    ['', 'profile-arn-missing'],
    ['arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-localdemo/bob', 'profile-arn-unexpected'],
    ['arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-other/alice', 'profile-arn-unexpected'],
    ['arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-localdemo/alice', 'profile-arn-unexpected'],
    ['arn:aws:sagemaker:eu-west-1:111122223333:space/d-localdemo/alice', 'profile-arn-unexpected'],
    ['arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-localdemo/alice/x', 'profile-arn-unexpected'],
  ])('refuses %p', (arn, reason) => {
    expect(() => assertProfileArn(arn, expected)).toThrow(UpstreamInvalidResponseError);
    expect(() => assertProfileArn(arn, expected)).toThrow(expect.objectContaining({ reason }));
  });
});
