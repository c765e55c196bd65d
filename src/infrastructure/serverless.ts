/**
 * Everything serverless.yml takes from the stage, built in one place from the resolved stage
 * parameters: `resources`, `functions` and the provider's private API settings.
 * config/serverless/deployment.js is only the glue that resolves the parameters and calls this.
 */
import { BUNDLE_OPTIONS } from './bundle';
import { buildDeployment, type Deployment } from './deployment';
import { environmentProblems } from './function-environments';
import { buildFunctions, type FunctionDefinition, type ResolvedParameters } from './functions';
import { DeploymentParamsError, parseDeploymentParams } from './params';
import { STAGE_PARAMETERS, type StageParameter, unknownParameters, type WrittenParameters } from './stage-parameters';

export { STAGE_PARAMETERS };

/** What serverless.yml takes: `resources`, `functions` and the provider's private API settings. */
export interface ServerlessParts {
  readonly resources: Deployment['resources'];
  readonly functions: Record<string, FunctionDefinition>;
  readonly apiResourcePolicy: Deployment['apiResourcePolicy'];
  readonly executeApiVpceIds: Deployment['executeApiVpceIds'];
  readonly lambdaVpc: Deployment['lambdaVpc'];
}

/**
 * @param resolved every stage parameter, as the Framework resolved it (undefined is read as empty).
 * @param written where parameters were written (every name must be a stage parameter).
 * @throws DeploymentParamsError listing every problem of the parameters, and every problem a
 *   function's own configuration would find in the environment they give it.
 */
export function serverlessParts(
  resolved: Readonly<Partial<Record<StageParameter, string | undefined>>>,
  service: string,
  stage: string,
  written: WrittenParameters = { sections: {}, commandLine: [] },
): ServerlessParts {
  const unknown = unknownParameters(written);
  const raw = Object.fromEntries(STAGE_PARAMETERS.map((name) => [name, resolved[name] ?? ''])) as ResolvedParameters;
  let params: ReturnType<typeof parseDeploymentParams>;
  try {
    params = parseDeploymentParams(raw, service, stage);
  } catch (error) {
    if (error instanceof DeploymentParamsError) throw new DeploymentParamsError([...unknown, ...error.problems]);
    throw error;
  }
  if (unknown.length > 0) throw new DeploymentParamsError(unknown);
  const deployment = buildDeployment(params);
  const functions = buildFunctions(raw, params, deployment);
  // The local stack's functions get their peers' addresses when they start: they are checked then.
  const problems = params.local ? [] : environmentProblems(functions, params.region);
  if (problems.length > 0) throw new DeploymentParamsError(problems);
  return {
    resources: deployment.resources,
    functions,
    apiResourcePolicy: deployment.apiResourcePolicy,
    executeApiVpceIds: deployment.executeApiVpceIds,
    lambdaVpc: deployment.lambdaVpc,
  };
}

/**
 * serverless-esbuild's settings (`custom.esbuild`): the bundles' esbuild options, the plugin file, and
 * the plugin's own settings. `buildDir` is where this run bundles (tests that bundle at the same
 * time each take their own).
 */
export function esbuildSettings(buildDir: string): Record<string, unknown> {
  return {
    ...BUNDLE_OPTIONS,
    plugins: './config/serverless/esbuild-plugins.js',
    exclude: [],
    outputWorkFolder: buildDir,
    // serverless-offline (npm start) rebuilds when the code changes: only the code, never another
    // build's output (the default watches every .js/.ts file of the repository, so one test's bundle
    // reloaded a stack another test was using, mid-request).
    watch: { pattern: ['src/**/*.ts', 'handlers/**/*.ts'], ignore: ['.esbuild*/**', 'node_modules/**'] },
  };
}
