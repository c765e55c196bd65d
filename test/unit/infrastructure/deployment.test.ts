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
      // The single domain is tag-bound: its issuer role is assumed through an STS endpoint of the stack's.
      extraEndpoints: { Sts: true, Logs: false, Monitoring: false, Ec2: false },
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
    ['allowedSourceCidrs', '0.0.0.0/0', '"0.0.0.0/0" is the whole address space'],
    ['allowedSourceCidrs', '0.0.0.0/00', 'is not a CIDR block'],
    ['allowedSourceCidrs', '::0/0', '"::0/0" is the whole address space'],
    ['allowedSourceCidrs', '999.1.1.1/99', 'is not a CIDR block'],
    ['allowedSourceCidrs', '192.0.2.7/24', 'has host bits set'],
    ['allowedSourceCidrs', '010.0.0.0/8', 'four decimal parts'],
    ['allowedSourceCidrs', '192.0.2.0/24 ', undefined],
    ['allowedSourceCidrs', '10.0.0.0/7', 'is broader than /8'],
    ['allowedSourceCidrs', '2000::/15', 'is broader than /16'],
    ['lambdaEgressCidrs', '::/0', '"::/0" is the whole address space'],
    ['lambdaEgressCidrs', '64.0.0.0/2', 'is broader than /8'],
    ['publicSourceCidrs', 'not-a-cidr', 'is not a CIDR block'],
    ['existingStudioEndpointId', 'vpc-123', 'is not a VPC endpoint id'],
    ['localStudioOrigin', 'http://127.0.0.1:4599', 'localStudioOrigin is for the local stack only'],
    ['sagemakerEndpointUrl', 'http://127.0.0.1:4599', 'param sagemakerEndpointUrl must be'],
    ['sagemakerEndpointUrl', 'https://evil.example', 'param sagemakerEndpointUrl must be'],
    ['sagemakerEndpointUrl', 'https://api.sagemaker.eu-west-1.amazonaws.com', 'param sagemakerEndpointUrl must be'],
    [
      'sagemakerEndpointUrl',
      'https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.us-east-1.vpce.amazonaws.com',
      'param sagemakerEndpointUrl must be',
    ],
    [
      'sagemakerEndpointUrl',
      'https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com.evil.example',
      'param sagemakerEndpointUrl must be',
    ],
    [
      'sagemakerEndpointUrl',
      'https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com/path',
      'param sagemakerEndpointUrl must be',
    ],
    ['existingStudioEndpointId', 'vpc-123', 'is not a VPC endpoint id'],
    ['studioPrivateDns', 'yes', 'must be true or false'],
    ['authMode', 'basic', 'param authMode must be jwt or iam'],
  ])('refuses %s=%p', (name, value, message) => {
    const problems = problemsOf({ ...valid, region: 'eu-west-1', [name]: value });
    expect(problems).toEqual(message === undefined ? [] : [expect.stringContaining(message)]);
  });

  it('refuses ranges that together cover the whole address space, even with allowBroadCidrs', () => {
    const problems = problemsOf({ ...valid, allowBroadCidrs: 'true', allowedSourceCidrs: '0.0.0.0/1,128.0.0.0/1' });
    expect(problems).toEqual([expect.stringContaining('together the ranges cover the whole IPv4 address space')]);
    expect(problemsOf({ ...valid, allowBroadCidrs: 'true', lambdaEgressCidrs: '::/1,8000::/1' })).toEqual([
      expect.stringContaining('whole IPv6 address space'),
    ]);
  });

  it('allows a range broader than the minimum prefix only with allowBroadCidrs=true', () => {
    expect(problemsOf({ ...valid, allowBroadCidrs: 'true', allowedSourceCidrs: '10.0.0.0/7' })).toEqual([]);
  });

  it('writes ranges back in their normal form', () => {
    const params = parseDeploymentParams({ ...valid, allowedSourceCidrs: '2001:DB8:0::/32' }, 'studio-gate', 'prod');
    expect(params.clientCidrs).toEqual(['2001:db8::/32']);
  });

  it('takes an endpoint-specific SageMaker API host, and loopback only on the local stage', () => {
    const host = 'https://vpce-0123456789abcdef0-abcdefgh.api.sagemaker.eu-west-1.vpce.amazonaws.com';
    expect(problemsOf({ ...valid, region: 'eu-west-1', sagemakerEndpointUrl: host })).toEqual([]);
    expect(() =>
      parseDeploymentParams(
        {
          ...valid,
          region: 'eu-west-1',
          sagemakerEndpointUrl: 'http://127.0.0.1:4599',
          localStudioOrigin: 'http://127.0.0.1:4599',
          localDynamoEndpointUrl: 'http://127.0.0.1:4601',
          localDnsServer: '127.0.0.1:4653',
          jwtJwksUri: 'http://127.0.0.1:4600/.well-known/jwks.json',
        },
        'studio-gate',
        'local',
      ),
    ).not.toThrow();
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
      'StsEndpoint',
      'DynamoDbEndpoint',
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
