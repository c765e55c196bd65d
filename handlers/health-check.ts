/** Lambda entry point of The scheduled health run (EventBridge) (src/composition/health-check.ts). */

import { healthCheckFunction } from '../src/composition/health-check';
import { lambdaHandler } from '../src/composition/lambda-function';

export const handler = lambdaHandler(healthCheckFunction);
