// serverless-esbuild's plugins (custom.esbuild.plugins takes a file): the one src/infrastructure/bundle.ts defines.
const { join } = require('node:path');
const tsx = require('tsx/cjs/api');

const { lambdaRuntimePlugin } = tsx.require('../../src/infrastructure/bundle.ts', __filename);
module.exports = [lambdaRuntimePlugin(join(__dirname, '..', '..'))];
