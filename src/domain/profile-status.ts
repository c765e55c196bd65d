/**
 * Which DescribeUserProfile statuses let a URL be issued. Only `InService` does; waiting helps for
 * `Pending` and `Updating`, so those carry a Retry-After hint. Unknown statuses fail closed.
 */
import { ProfileNotReadyError, type ProfileStatus, UpstreamInvalidResponseError } from './errors';

/** Seconds a client should wait before retrying a profile that is being created or updated. */
export const PROFILE_NOT_READY_RETRY_AFTER_SECONDS = 30;

const TRANSIENT: readonly ProfileStatus[] = ['Pending', 'Updating'];

/**
 * @throws ProfileNotReadyError unless `status` is `InService`;
 *   UpstreamInvalidResponseError when SageMaker returned no status at all.
 */
export function assertProfileInService(status: string | undefined): void {
  if (status === 'InService') return;
  if (status === undefined || status === '') throw new UpstreamInvalidResponseError('profile-status-missing');
  const transient = (TRANSIENT as readonly string[]).includes(status);
  throw new ProfileNotReadyError(status, transient ? PROFILE_NOT_READY_RETRY_AFTER_SECONDS : undefined);
}
