/**
 * The network part of a stage: the functions' and the endpoints' security groups (443 only, from
 * named groups or the client ranges, never 0.0.0.0/0), the interface endpoints in every subnet with
 * their policies, and Route 53 private zones where an endpoint's own private DNS is off.
 */
import type { PolicyDocument } from '../policies/policy-types';
import type { CfnValue } from './cloudformation';
import type { DeploymentParams } from './params';

/** Interface endpoints studio-gate knows how to create. */
export const ENDPOINTS = {
  SageMakerApi: { service: 'com.amazonaws.${AWS::Region}.sagemaker.api', param: 'SageMakerApi' },
  Studio: { service: 'aws.sagemaker.${AWS::Region}.studio', param: 'Studio' },
  ExecuteApi: { service: 'com.amazonaws.${AWS::Region}.execute-api', param: 'ExecuteApi' },
  Sts: { service: 'com.amazonaws.${AWS::Region}.sts', param: 'Sts' },
  Logs: { service: 'com.amazonaws.${AWS::Region}.logs', param: 'Logs' },
  Monitoring: { service: 'com.amazonaws.${AWS::Region}.monitoring', param: 'Monitoring' },
  Ec2: { service: 'com.amazonaws.${AWS::Region}.ec2', param: 'Ec2' },
  Ssm: { service: 'com.amazonaws.${AWS::Region}.ssm', param: 'Ssm' },
} as const;

const HTTPS = 443;

/** Logical id of an endpoint's security group. */
function endpointGroupOf(name: keyof typeof ENDPOINTS): string {
  if (name === 'Studio') return 'StudioEndpointSecurityGroup';
  if (name === 'ExecuteApi') return 'ExecuteApiEndpointSecurityGroup';
  return 'ServiceEndpointSecurityGroup';
}

/** The CloudFormation property naming a CIDR block, IPv4 or IPv6. */
function rangeOf(cidr: string): { CidrIp: string } | { CidrIpv6: string } {
  return cidr.includes(':') ? { CidrIpv6: cidr } : { CidrIp: cidr };
}

/** A 443/tcp rule of `group`, in or out, to or from a security group or a CIDR range. */
function rule443(kind: 'Ingress' | 'Egress', group: string, peer: Record<string, CfnValue>, description: string): unknown {
  return {
    Type: `AWS::EC2::SecurityGroup${kind}`,
    Properties: { GroupId: { Ref: group }, IpProtocol: 'tcp', FromPort: HTTPS, ToPort: HTTPS, ...peer, Description: description },
  };
}

/** A security group with no egress at all (AWS adds allow-all egress unless one rule is given; this one matches nothing routable). */
function securityGroup(vpcId: string, description: string): unknown {
  return {
    Type: 'AWS::EC2::SecurityGroup',
    Properties: {
      GroupDescription: description,
      VpcId: vpcId,
      SecurityGroupEgress: [{ IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '127.0.0.1/32', Description: 'no egress' }],
    },
  };
}

/** Part of an interface endpoint's first DNS entry, which reads `zone:name`: 0 the hosted zone, 1 the name. */
export function endpointDnsEntryPart(endpoint: string, part: 0 | 1): CfnValue {
  const entry = { 'Fn::Select': [0, { 'Fn::GetAtt': [endpoint, 'DnsEntries'] }] };
  return { 'Fn::Select': [part, { 'Fn::Split': [':', entry] }] };
}

function aliasTo(endpoint: string): CfnValue {
  return { DNSName: endpointDnsEntryPart(endpoint, 1), HostedZoneId: endpointDnsEntryPart(endpoint, 0) };
}

/** Adds the network resources to `resources` / `outputs`; `policies` are the endpoint policies, rendered. */
export function addNetwork(
  params: DeploymentParams,
  policies: Partial<Record<keyof typeof ENDPOINTS, PolicyDocument>>,
  render: (value: unknown) => CfnValue,
  resources: Record<string, unknown>,
  outputs: Record<string, unknown>,
): void {
  // Security groups: the Lambda's, and one per kind of endpoint. Ingress is 443 only, from named
  // groups or the configured client ranges; never 0.0.0.0/0 (parseDeploymentParams refuses it).
  resources.LambdaSecurityGroup = securityGroup(params.vpcId, 'studio-gate functions: 443 out to our endpoints only');
  resources.ServiceEndpointSecurityGroup = securityGroup(
    params.vpcId,
    'studio-gate interface endpoints (SageMaker API and AWS services): 443 from Studio and the functions',
  );
  resources.StudioEndpointSecurityGroup = securityGroup(
    params.vpcId,
    'Studio interface endpoint: 443 from Studio, the functions and client ranges',
  );
  resources.ExecuteApiEndpointSecurityGroup = securityGroup(
    params.vpcId,
    'execute-api interface endpoint: 443 from client ranges',
  );
  for (const group of ['ServiceEndpointSecurityGroup', 'StudioEndpointSecurityGroup']) {
    resources[`${group}IngressFromLambda`] = rule443(
      'Ingress',
      group,
      { SourceSecurityGroupId: { Ref: 'LambdaSecurityGroup' } },
      'studio-gate functions',
    );
    params.studioSecurityGroupIds.forEach((sg, i) => {
      resources[`${group}IngressFromStudio${i}`] = rule443(
        'Ingress',
        group,
        { SourceSecurityGroupId: sg },
        `Studio security group ${sg}`,
      );
    });
    resources[`LambdaEgressTo${group}`] = rule443(
      'Egress',
      'LambdaSecurityGroup',
      { DestinationSecurityGroupId: { Ref: group } },
      'to our endpoints',
    );
  }
  params.clientCidrs.forEach((cidr, i) => {
    resources[`ExecuteApiEndpointSecurityGroupIngressFromClients${i}`] = rule443(
      'Ingress',
      'ExecuteApiEndpointSecurityGroup',
      rangeOf(cidr),
      'clients of the private API',
    );
    resources[`StudioEndpointSecurityGroupIngressFromClients${i}`] = rule443(
      'Ingress',
      'StudioEndpointSecurityGroup',
      rangeOf(cidr),
      'browsers opening Studio',
    );
  });
  params.lambdaEgressCidrs.forEach((cidr, i) => {
    resources[`LambdaEgressToCidr${i}`] = rule443('Egress', 'LambdaSecurityGroup', rangeOf(cidr), 'identity provider (JWKS)');
  });

  // Interface endpoints, in every configured subnet.
  const wanted = (Object.keys(ENDPOINTS) as (keyof typeof ENDPOINTS)[]).filter((name) => {
    if (name === 'SageMakerApi' || name === 'Studio' || name === 'ExecuteApi') return params.existing[name] === undefined;
    return params.extraEndpoints[name];
  });
  for (const name of wanted) {
    const privateDns = name === 'SageMakerApi' || name === 'Studio' ? params.privateDns[name] : true;
    resources[`${name}Endpoint`] = {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcEndpointType: 'Interface',
        ServiceName: render(ENDPOINTS[name].service),
        VpcId: params.vpcId,
        SubnetIds: [...params.subnetIds],
        SecurityGroupIds: [{ Ref: endpointGroupOf(name) }],
        PrivateDnsEnabled: privateDns,
        ...(policies[name] && { PolicyDocument: render(policies[name]) }),
      },
    };
    outputs[`${name}EndpointId`] = { Description: `${name} interface endpoint id`, Value: { Ref: `${name}Endpoint` } };
  }

  // Private DNS through Route 53 where the endpoint's own private DNS is off: a private zone for
  // the service's name, associated with the VPC, and an alias record to the endpoint.
  const privateZones = [
    {
      endpoint: 'SageMakerApi',
      zone: 'api.sagemaker.${AWS::Region}.amazonaws.com',
      record: 'api.sagemaker.${AWS::Region}.amazonaws.com',
      recordId: 'SageMakerApiPrivateRecord',
    },
    {
      endpoint: 'Studio',
      zone: 'studio.${AWS::Region}.sagemaker.aws',
      record: '*.studio.${AWS::Region}.sagemaker.aws',
      recordId: 'StudioPrivateWildcardRecord',
    },
  ] as const;
  for (const { endpoint, zone, record, recordId } of privateZones) {
    if (params.privateDns[endpoint] || params.existing[endpoint] !== undefined) continue;
    resources[`${endpoint}PrivateZone`] = {
      Type: 'AWS::Route53::HostedZone',
      Properties: { Name: render(zone), VPCs: [{ VPCId: params.vpcId, VPCRegion: { Ref: 'AWS::Region' } }] },
    };
    resources[recordId] = {
      Type: 'AWS::Route53::RecordSet',
      Properties: {
        HostedZoneId: { Ref: `${endpoint}PrivateZone` },
        Name: render(record),
        Type: 'A',
        AliasTarget: aliasTo(`${endpoint}Endpoint`),
      },
    };
  }
}
