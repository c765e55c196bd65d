import type { DeploymentFacts } from '../../src/policies/policy-types';
import { ACCOUNT } from './iam';

/** Deployment facts carrying the seed's values (account, region, domain, VPC, endpoints, ranges). */
export const SEED_FACTS: DeploymentFacts = {
  partition: 'aws',
  region: 'us-west-2',
  accountId: ACCOUNT,
  domainId: 'd-exampledomain',
  vpcId: 'vpc-111bbaaa',
  sagemakerApiVpceId: 'vpce-111bbccc',
  studioVpceId: 'vpce-111bbddd',
  executeApiVpceIds: ['vpce-111bbeee'],
  authMode: 'jwt',
  vpcSourceCidrs: ['192.0.2.0/24', '203.0.113.0/24'],
  publicSourceCidrs: ['192.0.2.0/24', '203.0.113.0/24'],
};
