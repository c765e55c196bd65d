/**
 * The request's deadline. The use case's upstream calls take the signal and abort when it fires;
 * the race makes sure the request ends on time even if some call ignores it. Lambda's own
 * remaining time caps it, keeping room to answer and write the audit line.
 */
import type { Context } from 'aws-lambda';
import { UpstreamTimeoutError } from '../domain/errors';

/** Kept between the deadline and the end of the Lambda invocation, to answer and log. */
export const RESPONSE_MARGIN_MS = 500;

/** Runs `work` with an AbortSignal that fires after `budgetMs`. @throws UpstreamTimeoutError(`request-deadline`) when it does. */
export async function withDeadline<T>(
  budgetMs: number,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.NaN;
  const ms =
    Number.isFinite(remaining) && remaining > 0 ? Math.min(budgetMs, Math.max(0, remaining - RESPONSE_MARGIN_MS)) : budgetMs;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new UpstreamTimeoutError('request-deadline'));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
