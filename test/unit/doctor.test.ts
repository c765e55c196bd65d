/**
 * `npm run doctor` against a deployment, offline: `--plan FILE` and `--stage NAME` (the plan read
 * from the stage's health function with Lambda GetFunctionConfiguration) run the deployed checks
 * through the real adapters, EC2, SageMaker and Lambda answered by aws-sdk-client-mock and the
 * names by a DNS server on loopback.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type State,
} from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDomainCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { doctor } from '../../scripts/doctor';
import { type LocalDnsServer, startDnsServer } from '../../scripts/local/dns-server';
import { freePorts } from '../../scripts/local/ports';
import { sdkEc2Api } from '../support/sdk-clients';

const ec2 = mockClient(EC2Client);
const sagemaker = mockClient(SageMakerClient);
const lambda = mockClient(LambdaClient);

const VPC = 'vpc-0123456789abcdef0';
const SUBNETS = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'];
let dns: LocalDnsServer;
let dir: string;

/** A plan; `deployed`: as a stage's function holds it (the VPC resolver: no servers, so no names this test could resolve). */
function plan(deployed = false): string {
  return JSON.stringify({
    region: 'eu-west-1',
    checkTimeoutMs: 2000,
    network: {
      vpcId: VPC,
      subnetIds: SUBNETS,
      functionSecurityGroupId: 'sg-0eeeeeeeeeeeeeee5',
      studioSecurityGroupIds: [],
      clientCidrs: [],
      endpoints: [
        {
          name: 'sagemaker-api',
          serviceName: 'com.amazonaws.eu-west-1.sagemaker.api',
          privateDns: true,
          ingressFrom: ['function'],
        },
      ],
    },
    dns: deployed
      ? { servers: [], privateRanges: [], names: [] }
      : {
          servers: [dns.server],
          privateRanges: [],
          names: [{ name: 'sagemaker-api', host: 'api.sagemaker.eu-west-1.amazonaws.com', tls: false }],
        },
    studio: { domainId: 'd-exampledomain' },
  });
}

function healthyAws(): void {
  ec2.on(DescribeVpcEndpointsCommand).resolves({
    VpcEndpoints: [
      {
        VpcEndpointId: 'vpce-0aaaaaaaaaaaaaaa1',
        VpcId: VPC,
        ServiceName: 'com.amazonaws.eu-west-1.sagemaker.api',
        State: 'available' as State,
        PrivateDnsEnabled: true,
        SubnetIds: SUBNETS,
        Groups: [{ GroupId: 'sg-0aaaaaaaaaaaaaaa1' }],
      },
    ],
  });
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: 'sg-0aaaaaaaaaaaaaaa1',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-0eeeeeeeeeeeeeee5' }] },
        ],
      },
    ],
  });
  ec2.on(DescribeVpcsCommand).resolves({
    Vpcs: [{ VpcId: VPC, CidrBlockAssociationSet: [{ CidrBlock: '127.0.0.0/8', CidrBlockState: { State: 'associated' } }] }],
  });
  sagemaker.on(DescribeDomainCommand).resolves({ Status: 'InService', AppNetworkAccessType: 'VpcOnly' });
}

async function run(...args: string[]) {
  let out = '';
  const code = await doctor(
    args,
    {},
    (text) => {
      out += text;
    },
    { ec2Client: sdkEc2Api() },
  );
  return { code, out };
}

beforeAll(async () => {
  dns = await startDnsServer({ port: 0, names: { 'api.sagemaker.eu-west-1.amazonaws.com': { addresses: ['127.0.0.10'] } } });
  dir = mkdtempSync(join(tmpdir(), 'studio-gate-doctor-'));
  // No real credentials are looked up: the SDK gets these, and every call is mocked.
  process.env.AWS_ACCESS_KEY_ID = 'test-only';
  process.env.AWS_SECRET_ACCESS_KEY = 'test-only';
});

afterAll(async () => {
  await dns.close();
  rmSync(dir, { recursive: true, force: true });
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
});

beforeEach(() => {
  ec2.reset();
  sagemaker.reset();
  lambda.reset();
});

describe('npm run doctor -- --plan', () => {
  it('checks a deployment from its plan file and exits 0 when it is healthy', async () => {
    healthyAws();
    const file = join(dir, 'plan.json');
    writeFileSync(file, plan());
    const { code, out } = await run('--plan', file);
    expect(code).toBe(0);
    expect(out).toMatch(/^studio-gate doctor: .*plan\.json, 4 checks/m);
    for (const name of ['endpoint\\.sagemaker-api', 'security-group\\.sagemaker-api', 'dns\\.sagemaker-api', 'domain']) {
      expect(out).toMatch(new RegExp(`^  ✓ ${name} `, 'm'));
    }
  });

  it('exits 1 naming a broken security group, with the fix', async () => {
    healthyAws();
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-0aaaaaaaaaaaaaaa1', IpPermissions: [] }] });
    const file = join(dir, 'plan.json');
    writeFileSync(file, plan());
    const { code, out } = await run('--plan', file, '--json');
    expect(code).toBe(1);
    const summary = JSON.parse(out);
    expect(summary.checks.find((c: { name: string }) => c.name === 'security-group.sagemaker-api')).toMatchObject({
      status: 'fail',
      fix: 'add an inbound rule tcp/443 from sg-0eeeeeeeeeeeeeee5 to sg-0aaaaaaaaaaaaaaa1',
    });
  });

  it('refuses a file that is not a plan, naming the problems', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"region":"nowhere"}');
    await expect(run('--plan', file)).rejects.toThrow(/is not a health plan:[\s\S]*plan\.region/);
  });
});

/** What a deployed health-check function holds (CloudFormation filled in): its plan and its store. */
const deployed = () => ({ HEALTH_PLAN: plan(true), HEALTH_TABLE_NAME: 'studio-gate-prod', METRICS_SERVICE: 'studio-gate-prod' });

describe('npm run doctor -- --stage', () => {
  it('reads the plan the stage’s health function holds, and runs it', async () => {
    healthyAws();
    lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: { Variables: deployed() } });
    const { code, out } = await run('--stage', 'prod', '--region', 'eu-west-1');
    expect(code).toBe(0);
    expect(lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, { FunctionName: 'studio-gate-prod-healthCheck' });
    // The stage's plan, checked as its function would: the endpoint, its security group, the domain.
    expect(out).toMatch(/^studio-gate doctor: stage prod, 3 checks/m);
  });

  it.each([
    ['its STS endpoint', { AWS_ENDPOINT_URL_STS: 'http://sts.attacker.invalid:8080' }, /AWS_ENDPOINT_URL_STS must be/],
    [
      'its SageMaker endpoint',
      { AWS_ENDPOINT_URL_SAGEMAKER: 'https://api.sagemaker.attacker.invalid' },
      /AWS_ENDPOINT_URL_SAGEMAKER must be/,
    ],
  ])('refuses a stage whose function environment was edited to move %s, sending nothing', async (_what, edit, problem) => {
    healthyAws();
    lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: { Variables: { ...deployed(), ...edit } } });
    await expect(run('--stage', 'prod', '--region', 'eu-west-1')).rejects.toThrow(problem);
    await expect(run('--stage', 'prod', '--region', 'eu-west-1')).rejects.toThrow(/would not start the function/);
    expect([sagemaker.calls().length, ec2.calls().length]).toEqual([0, 0]);
  });

  it('says so when the stage has no health function plan', async () => {
    lambda.on(GetFunctionConfigurationCommand).resolves({ Environment: { Variables: {} } });
    await expect(run('--stage', 'prod')).rejects.toThrow(/has no HEALTH_PLAN/);
  });

  it('refuses --stage with --plan, and an option without its value', async () => {
    await expect(run('--stage', 'prod', '--plan', 'x.json')).rejects.toThrow(/exclude each other/);
    await expect(run('--stage')).rejects.toThrow(/--stage needs a value/);
  });
});

describe('npm run doctor on this machine', () => {
  it('says first that the local stack is not running when none of it listens, instead of advice about VPCs', async () => {
    const [api, emulator, issuer] = await freePorts(3);
    let text = '';
    const code = await doctor(
      [],
      { STUDIO_GATE_API_PORT: String(api), STUDIO_GATE_EMULATOR_PORT: String(emulator), STUDIO_GATE_ISSUER_PORT: String(issuer) },
      (t) => {
        text += t;
      },
    );
    expect(code).toBe(1);
    expect(text.split('\n')[0]).toBe(
      `studio-gate doctor: the local stack is not running (nothing listens on 127.0.0.1:${api}, 127.0.0.1:${emulator}, 127.0.0.1:${issuer}).`,
    );
    expect(text).toContain('npm start');
    expect(text).not.toMatch(/DHCP|IAM role/);
  });
});
