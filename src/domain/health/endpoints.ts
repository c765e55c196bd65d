/**
 * Interface endpoint rules (over EC2 DescribeVpcEndpoints): the endpoint a path needs exists in the
 * VPC, is `available`, has private DNS exactly as the stage configured it, and has a network
 * interface in every configured subnet (so every AZ the functions and Studio run in reaches it).
 */
import { type CheckOutcome, combine, fail, warn } from './check';

/** What DescribeVpcEndpoints says about one endpoint. */
export interface EndpointFacts {
  readonly id: string;
  readonly serviceName: string;
  readonly vpcId: string;
  /** `available`, `pending`, `pendingAcceptance`, `deleting`, `deleted`, `rejected`, `failed`, `expired`. */
  readonly state: string;
  readonly privateDnsEnabled: boolean;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** What the stage expects of one endpoint. */
export interface EndpointExpectation {
  /** Short name used in check names: `sagemaker-api`, `studio`, `execute-api`, `sts`, … */
  readonly name: string;
  readonly serviceName: string;
  readonly privateDns: boolean;
  readonly subnetIds: readonly string[];
}

/** The endpoint of `expect.serviceName` among `found` (all of the VPC's endpoints of the wanted services). */
export function endpointFor(expect: EndpointExpectation, found: readonly EndpointFacts[]): EndpointFacts | undefined {
  const candidates = found.filter((e) => e.serviceName === expect.serviceName);
  return candidates.find((e) => e.state.toLowerCase() === 'available') ?? candidates[0];
}

export function checkEndpoint(expect: EndpointExpectation, found: readonly EndpointFacts[]): CheckOutcome {
  const endpoint = endpointFor(expect, found);
  if (endpoint === undefined) {
    return fail(
      `no ${expect.serviceName} interface endpoint in the VPC`,
      `create it (redeploy the stack) or check the existing…EndpointId parameter names one in this VPC`,
    );
  }
  const state = endpoint.state.toLowerCase();
  const findings: CheckOutcome[] = [];
  if (state === 'pending' || state === 'pendingacceptance') {
    findings.push(
      fail(
        `${endpoint.id} is ${endpoint.state}`,
        'wait a few minutes; if it stays pending, check the endpoint service accepts it',
      ),
    );
  } else if (state !== 'available') {
    findings.push(fail(`${endpoint.id} is ${endpoint.state}`, 'recreate the endpoint (redeploy the stack)'));
  }
  if (expect.privateDns && !endpoint.privateDnsEnabled) {
    findings.push(
      fail(
        `${endpoint.id} has private DNS off: the service name resolves to public addresses`,
        `enable private DNS on ${endpoint.id} (needs enableDnsSupport and enableDnsHostnames on the VPC)`,
      ),
    );
  } else if (!expect.privateDns && endpoint.privateDnsEnabled) {
    findings.push(
      warn(
        `${endpoint.id} has private DNS on, but the stage manages a private hosted zone for it`,
        'set the stage parameter to true, or turn private DNS off on the endpoint',
      ),
    );
  }
  const missing = expect.subnetIds.filter((s) => !endpoint.subnetIds.includes(s));
  if (missing.length > 0) {
    findings.push(
      fail(
        `${endpoint.id} has no interface in ${missing.join(', ')}`,
        `add the endpoint to ${missing.length === 1 ? 'that subnet' : 'those subnets'} (one per AZ the functions and Studio use)`,
      ),
    );
  }
  return combine(findings, `${endpoint.id} available in ${endpoint.subnetIds.length} subnet(s)`);
}
