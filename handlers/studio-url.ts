/** Lambda entry point of GET and POST /studio-url: a presigned Studio URL for the verified caller (src/composition/studio-url.ts). */
import { lambdaHandler } from '../src/composition/lambda-function';
import { studioUrlFunction } from '../src/composition/studio-url';

export const handler = lambdaHandler(studioUrlFunction);
