/**
 * The hub-and-spoke world the issuer role's simulator tests share: studio-gate's network account,
 * a domain in another account, that account's issuer role, and studio-gate's roles that use it.
 */
export const NETWORK = '222233334444';
export const DOMAIN_ACCOUNT = '555566667777';
export const DOMAIN = 'd-riskdomain01';
export const ISSUER_ROLE = `arn:aws:iam::${DOMAIN_ACCOUNT}:role/studio-gate-issuer`;
export const STUDIO_URL_ROLE = `arn:aws:iam::${NETWORK}:role/studio-gate-prod-StudioUrlRole-1A2B3C4D5E6F`;
export const HEALTH_ROLE = `arn:aws:iam::${NETWORK}:role/studio-gate-prod-HealthCheckRole-1A2B3C4D5E6F`;

/** The issuer role's input, without the issuing roles it trusts or its owner tag. */
export const ISSUER_INPUT = {
  domainId: DOMAIN,
  region: 'eu-west-1',
  domainAccountId: DOMAIN_ACCOUNT,
  networkAccountId: NETWORK,
  healthRoleArn: HEALTH_ROLE,
  sagemakerApiVpceId: 'vpce-0123456789abcdef0',
  studioVpceId: 'vpce-0fedcba9876543210',
};
