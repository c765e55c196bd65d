/** A Lambda context as the runtime passes it, for invocations outside Lambda (tests, load, harnesses). */
import type { Context } from 'aws-lambda';

let requestCounter = 0;

/** A context with a fresh request id each call. */
export function invocationContext(): Context {
  requestCounter += 1;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'studio-gate-local-studioUrl',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:studio-gate-local-studioUrl',
    memoryLimitInMB: '512',
    awsRequestId: `local-${process.pid}-${requestCounter}`,
    logGroupName: '/aws/lambda/studio-gate-local-studioUrl',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 20000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
