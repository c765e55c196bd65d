/** Lambda entry point of GET /health: the latest stored summary, behind the source checks (src/composition/health-endpoint.ts). */

import { healthEndpointFunction } from '../src/composition/health-endpoint';
import { lambdaHandler } from '../src/composition/lambda-function';

export const handler = lambdaHandler(healthEndpointFunction);
