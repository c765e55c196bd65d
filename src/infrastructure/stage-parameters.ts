/**
 * The stage parameters: the one list of them. config/params.yml gives each its default (a test keeps
 * the two the same); config/serverless/deployment.js resolves every one for the stage, and
 * ./serverless.ts builds everything serverless.yml takes from them.
 */

export const STAGE_PARAMETERS = [
  'region',
  'ssoOidc',
  'ssoSaml',
  'ssoSecretsSource',
  'ssoCookieSecure',
  'ssoCookieKeys',
  'ssoCookieMaxAgeSeconds',
  'oidcIssuer',
  'oidcClientId',
  'oidcClientSecret',
  'oidcProfileClaim',
  'oidcRequireEmailVerified',
  'oidcScopes',
  'oidcTimeoutMs',
  'ssoRedirectUri',
  'samlIdpCerts',
  'samlIdpEntityId',
  'samlSpEntityId',
  'samlAcsUrl',
  'samlIdpSsoUrl',
  'samlProfileAttribute',
  'samlGroupsAttribute',
  'samlAllowIdpInitiated',
  'samlWantResponseSigned',
  'samlWantAssertionsSigned',
  'samlClockSkewSeconds',
  'domainId',
  'studioDomains',
  'networkAccountId',
  'stsEndpointUrl',
  'issuerSessionSeconds',
  'issuance',
  'issuerRoleArn',
  'authMode',
  'jwtIssuer',
  'jwtAudience',
  'jwtJwksUri',
  'jwtProfileClaim',
  'jwtGroupsClaim',
  'jwtGroupsDelimiter',
  'jwtRequireEmailVerified',
  'jwtClockSkewSeconds',
  'jwtMaxLifetimeSeconds',
  'jwksTimeoutMs',
  'requiredGroups',
  'iamAllowedAccounts',
  'iamAllowedRoles',
  'iamAllowedUsers',
  'iamSessionNameRoles',
  'profileTransform',
  'profileMap',
  'allowedEmailDomains',
  'profileOwnerTag',
  'profileOwnerCheck',
  'vpcId',
  'subnetIds',
  'studioSecurityGroupIds',
  'existingSageMakerApiEndpointId',
  'existingStudioEndpointId',
  'existingExecuteApiEndpointId',
  'sagemakerApiPrivateDns',
  'studioPrivateDns',
  'createStsEndpoint',
  'createLogsEndpoint',
  'createMonitoringEndpoint',
  'createEc2Endpoint',
  'allowedSourceCidrs',
  'publicSourceCidrs',
  'lambdaEgressCidrs',
  'allowBroadCidrs',
  'allowedVpceIds',
  'allowedVpcIds',
  'urlExpiresInSeconds',
  'sessionExpiresInSeconds',
  'functionTimeoutSeconds',
  'sagemakerConnectTimeoutMs',
  'sagemakerRequestTimeoutMs',
  'sagemakerMaxAttempts',
  'sagemakerBackoffBaseMs',
  'sagemakerBackoffCapMs',
  'sagemakerCallMode',
  'profileCacheTtlSeconds',
  'studioAccountId',
  'provisionedConcurrency',
  'sagemakerEndpointUrl',
  'localStudioOrigin',
  'healthIntervalMinutes',
  'healthCanaryProfile',
  'healthCanaryOwner',
  'healthAlarmTopicArn',
  'localDynamoEndpointUrl',
  'localDnsServer',
] as const;

export type StageParameter = (typeof STAGE_PARAMETERS)[number];

/** Where parameters were written: each stage section of config/params.yml, and `--param name=value` on the command line. */
export interface WrittenParameters {
  readonly sections: Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;
  readonly commandLine: readonly string[];
}

/**
 * One sentence per parameter written somewhere that is not a stage parameter: a typo such as
 * `requiredGroup` would otherwise be ignored and leave the default in force.
 */
export function unknownParameters(written: WrittenParameters): string[] {
  const known = new Set<string>(STAGE_PARAMETERS);
  const problems: string[] = [];
  for (const [section, values] of Object.entries(written.sections)) {
    for (const name of Object.keys(values ?? {})) {
      if (!known.has(name)) problems.push(`param ${name} (config/params.yml, ${section}) is not a stage parameter`);
    }
  }
  for (const pair of written.commandLine) {
    const name = pair.split('=')[0] ?? '';
    if (!known.has(name)) problems.push(`param ${name} (--param) is not a stage parameter`);
  }
  return problems;
}
