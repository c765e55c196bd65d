import { ProfileNotReadyError, UpstreamInvalidResponseError } from '../../../src/domain/errors';
import { assertProfileInService, PROFILE_NOT_READY_RETRY_AFTER_SECONDS } from '../../../src/domain/profile-status';

describe('assertProfileInService', () => {
  it('lets an InService profile through', () => {
    expect(() => assertProfileInService('InService')).not.toThrow();
  });

  it.each([
    ['Pending', PROFILE_NOT_READY_RETRY_AFTER_SECONDS],
    ['Updating', PROFILE_NOT_READY_RETRY_AFTER_SECONDS],
    ['Failed', undefined],
    ['Update_Failed', undefined],
    ['Deleting', undefined],
    ['Delete_Failed', undefined],
    ['SomethingNew', undefined],
    ['inservice', undefined],
  ])('refuses %s with retry-after %p', (status, retryAfter) => {
    expect.assertions(3);
    try {
      assertProfileInService(status);
    } catch (error) {
      expect(error).toBeInstanceOf(ProfileNotReadyError);
      expect((error as ProfileNotReadyError).status).toBe(status);
      expect((error as ProfileNotReadyError).retryAfterSeconds).toBe(retryAfter);
    }
  });

  it.each([undefined, ''])('treats a missing status (%p) as an upstream fault', (status) => {
    expect(() => assertProfileInService(status)).toThrow(UpstreamInvalidResponseError);
  });
});
