import { buildDeployment, DeploymentParamsError, parseDeploymentParams } from '../../../src/infrastructure/deployment';

const valid = {
  domainId: 'd-exampledomain',
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: 'subnet-0aaaaaaaaaaaaaaa1, subnet-0bbbbbbbbbbbbbbb2',
  studioSecurityGroupIds: 'sg-0ccccccccccccccc3',
  allowedSourceCidrs: '192.0.2.0/24',
  authMode: 'jwt',
};

function problemsOf(raw: Record<string, string>): readonly string[] {
  try {
    parseDeploymentParams(raw, 'studio-gate', 'prod');
    return [];
  } catch (error) {
    if (!(error instanceof DeploymentParamsError)) throw error;
    return error.problems;
  }
}

describe('parseDeploymentParams', () => {
  it('reads a minimal deployment with safe defaults', () => {
    const params = parseDeploymentParams(valid, 'studio-gate', 'prod');
    expect(params).toMatchObject({
      subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
      privateDns: { SageMakerApi: true, Studio: true },
      extraEndpoints: { Sts: false, Logs: false, Monitoring: false, Ec2: false },
      existing: {},
    });
  });

  it.each([
    ['subnetIds', 'subnet-0aaaaaaaaaaaaaaa1', 'needs at least 2 subnet id'],
    ['subnetIds', 'subnet-0aaaaaaaaaaaaaaa1,subnet-xyz', '"subnet-xyz" is not a subnet id'],
    ['studioSecurityGroupIds', '', 'needs at least 1 security group id'],
    ['vpcId', 'vpc-XYZ', 'param vpcId must be a VPC id'],
    ['domainId', '', 'param domainId must be a Studio domain id'],
    ['allowedSourceCidrs', '*', 'must list the client ranges'],
    ['allowedSourceCidrs', '0.0.0.0/0', 'must not contain 0.0.0.0/0'],
    ['lambdaEgressCidrs', '::/0', 'must not contain 0.0.0.0/0 or ::/0'],
    ['existingStudioEndpointId', 'vpc-123', 'is not a VPC endpoint id'],
    ['studioPrivateDns', 'yes', 'must be true or false'],
    ['authMode', 'basic', 'param authMode must be jwt or iam'],
  ])('refuses %s=%p', (name, value, message) => {
    expect(problemsOf({ ...valid, [name]: value })).toEqual([expect.stringContaining(message)]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({}).length).toBeGreaterThanOrEqual(6);
  });
});

describe('buildDeployment', () => {
  it('creates only the endpoints it does not get, and no Route 53 zone while private DNS is on', () => {
    const deployment = buildDeployment(
      parseDeploymentParams({ ...valid, existingStudioEndpointId: 'vpce-0123456789abcdef2' }, 'studio-gate', 'prod'),
    );
    const types = Object.entries(deployment.resources.Resources).map(([id, r]) => [id, (r as { Type: string }).Type]);
    expect(types.filter(([, t]) => t === 'AWS::EC2::VPCEndpoint').map(([id]) => id)).toEqual([
      'SageMakerApiEndpoint',
      'ExecuteApiEndpoint',
    ]);
    expect(types.filter(([, t]) => t === 'AWS::Route53::HostedZone')).toEqual([]);
    expect(deployment.facts.studioVpceId).toBe('vpce-0123456789abcdef2');
    expect(deployment.facts.sagemakerApiVpceId).toBe('${SageMakerApiVpceId}');
  });

  it('adds a Route 53 zone for the SageMaker API when its private DNS is off', () => {
    const deployment = buildDeployment(
      parseDeploymentParams({ ...valid, sagemakerApiPrivateDns: 'false' }, 'studio-gate', 'prod'),
    );
    expect(Object.keys(deployment.resources.Resources)).toEqual(
      expect.arrayContaining(['SageMakerApiPrivateZone', 'SageMakerApiPrivateRecord']),
    );
  });
});
