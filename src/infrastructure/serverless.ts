/**
 * Everything serverless.yml takes from the stage, built in one place from the resolved stage
 * parameters: `resources`, `functions` and the provider's private API settings.
 * config/serverless/deployment.js is only the glue that resolves the parameters and calls this.
 */
import { buildDeployment, type Deployment } from './deployment';
import { buildFunctions, type FunctionDefinition, type ResolvedParameters } from './functions';
import { parseDeploymentParams } from './params';
import { STAGE_PARAMETERS, type StageParameter } from './stage-parameters';

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
 * @throws DeploymentParamsError listing every problem of the parameters.
 */
export function serverlessParts(
  resolved: Readonly<Partial<Record<StageParameter, string | undefined>>>,
  service: string,
  stage: string,
): ServerlessParts {
  const raw = Object.fromEntries(STAGE_PARAMETERS.map((name) => [name, resolved[name] ?? ''])) as ResolvedParameters;
  const deployment = buildDeployment(parseDeploymentParams(raw, service, stage));
  return {
    resources: deployment.resources,
    functions: buildFunctions(raw, deployment),
    apiResourcePolicy: deployment.apiResourcePolicy,
    executeApiVpceIds: deployment.executeApiVpceIds,
    lambdaVpc: deployment.lambdaVpc,
  };
}
