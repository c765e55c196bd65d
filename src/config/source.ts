/**
 * Where a request may come from (ALLOWED_VPCE_IDS, ALLOWED_VPC_IDS, ALLOWED_SOURCE_CIDRS): the same
 * checks for every HTTP function.
 */
import type { SourcePolicy } from '../domain/network-source';
import type { EnvReader } from './environment';

/** The network source checks (ALLOWED_VPCE_IDS, ALLOWED_VPC_IDS, ALLOWED_SOURCE_CIDRS), shared by every HTTP function. */
export function readSourcePolicy(reader: EnvReader): SourcePolicy {
  return {
    vpceIds: reader.allowList('ALLOWED_VPCE_IDS', (v) =>
      /^vpce-[0-9a-f]+$/.test(v) ? undefined : `"${v}" is not a VPC endpoint id`,
    ),
    vpcIds: reader.allowList('ALLOWED_VPC_IDS', (v) => (/^vpc-[0-9a-f]+$/.test(v) ? undefined : `"${v}" is not a VPC id`)),
    sourceCidrs: reader.cidrAllowList('ALLOWED_SOURCE_CIDRS'),
  };
}
