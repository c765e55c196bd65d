// The glue serverless.yml needs: resolve every stage parameter (the list is
// src/infrastructure/stage-parameters.ts), build the stage once in TypeScript (loaded through tsx), and
// hand out its parts, e.g. ${file(./config/serverless/deployment.js):functions}. Package time only.
const tsx = require('tsx/cjs/api');

let built;

// The Framework calls these resolvers more than once: `param:` resolves only in its later phase,
// so an early call fails with a "missing dependency" error and is retried. Only success is cached.
async function parts({ resolveVariable, options }) {
  if (built) return built;
  const { STAGE_PARAMETERS, serverlessParts } = tsx.require('../../src/infrastructure/serverless.ts', __filename);
  const resolved = {};
  for (const name of STAGE_PARAMETERS) resolved[name] = String((await resolveVariable(`param:${name}`)) ?? '');
  const stage = options.stage || (await resolveVariable('self:provider.stage'));
  const written = { sections: await resolveVariable('self:params'), commandLine: [options.param ?? []].flat() };
  built = serverlessParts(resolved, await resolveVariable('self:service'), stage, written);
  return built;
}

for (const part of ['resources', 'functions', 'apiResourcePolicy', 'executeApiVpceIds', 'lambdaVpc']) {
  module.exports[part] = async (ctx) => (await parts(ctx))[part];
}

// custom.esbuild: the bundle definition of src/infrastructure/bundle.ts (no parameter needed).
module.exports.esbuild = async () =>
  tsx
    .require('../../src/infrastructure/serverless.ts', __filename)
    .esbuildSettings(process.env.STUDIO_GATE_BUILD_DIR || '.esbuild');
