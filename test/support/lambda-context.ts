import type { Context } from 'aws-lambda';

let counter = 0;

/** A Lambda context as the runtime passes it, with a fresh request id each call. */
export function lambdaContext(): Context {
  counter += 1;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'studio-gate-test-studioUrl',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:studio-gate-test-studioUrl',
    memoryLimitInMB: '512',
    awsRequestId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    logGroupName: '/aws/lambda/studio-gate-test-studioUrl',
    logStreamName: '2026/11/30/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 20000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
