/**
 * Studio rules: the domain is InService and VpcOnly (anything else is a warning: it works, but not
 * the way studio-gate promises); the optional canary profile passes exactly the rules GET
 * /studio-url applies (owner tag, then InService).
 */
import { ForbiddenError, ProfileNotFoundError, ProfileNotReadyError, StudioGateError } from '../errors';
import { assertProfileOwnedBy, type ProfileTag } from '../profile-owner';
import { assertProfileInService } from '../profile-status';
import { type CheckOutcome, combine, fail, pass, warn } from './check';

/** What DescribeDomain says (undefined: the domain does not exist). */
export interface DomainFacts {
  readonly status?: string;
  readonly appNetworkAccessType?: string;
  /** Its ARN, whose parts name its profiles' (the doctor's roll-out list reads their tags by it). */
  readonly arn?: string;
}

export function checkDomain(domainId: string, facts: DomainFacts | undefined): CheckOutcome {
  if (facts === undefined) {
    return fail(
      `domain ${domainId} does not exist in this account and region`,
      'check the domainId stage parameter and the region',
    );
  }
  const findings: CheckOutcome[] = [];
  const status = facts.status ?? 'unknown';
  if (status === 'Pending' || status === 'Updating') {
    findings.push(warn(`domain ${domainId} is ${status}`, 'wait for the update to finish; new sessions may fail meanwhile'));
  } else if (status !== 'InService') {
    findings.push(fail(`domain ${domainId} is ${status}`, 'open the domain in the SageMaker console and fix or recreate it'));
  }
  if (facts.appNetworkAccessType !== 'VpcOnly') {
    findings.push(
      warn(
        `domain ${domainId} network access is ${facts.appNetworkAccessType ?? 'unknown'}, not VpcOnly`,
        'set AppNetworkAccessType to VpcOnly so Studio apps never use the public internet',
      ),
    );
  }
  return combine(findings, `domain ${domainId} is InService and VpcOnly`);
}

/** What the canary check read (undefined profile: it does not exist). */
export interface CanaryFacts {
  readonly status?: string;
  readonly tags: readonly ProfileTag[];
}

export function checkCanary(
  profileName: string,
  facts: CanaryFacts | undefined,
  owner: { readonly identity: string; readonly tagKey: string } | undefined,
): CheckOutcome {
  if (facts === undefined)
    return fail(`canary profile ${profileName} does not exist`, 'create it, or change the healthCanaryProfile parameter');
  try {
    if (owner !== undefined) assertProfileOwnedBy(facts.tags, owner.identity, owner.tagKey);
    assertProfileInService(facts.status);
  } catch (error) {
    if (!(error instanceof StudioGateError)) throw error;
    if (error instanceof ProfileNotReadyError) {
      const fix = 'wait for the profile to become InService, or fix it in the SageMaker console';
      return error.retryAfterSeconds !== undefined
        ? warn(`canary profile ${profileName} is ${error.status}`, fix)
        : fail(`canary profile ${profileName} is ${error.status}`, fix);
    }
    return fail(
      `canary profile ${profileName}: ${error.reason}`,
      error.reason.startsWith('profile-owner')
        ? `tag the profile with ${owner?.tagKey}=${owner?.identity} (exactly one such tag)`
        : 'check the profile in the SageMaker console',
    );
  }
  return pass(`canary profile ${profileName} is InService${owner ? ' and owned' : ''}`);
}

/**
 * The assume-role path of a domain with an issuer role: the session the health check opened (naming
 * itself as SourceIdentity, as issuance names the person), or why STS refused it.
 */
export function checkAssumeRole(roleArn: string, outcome: { ok: true } | { ok: false; error: unknown }): CheckOutcome {
  if (outcome.ok) return pass(`assumed ${roleArn} with a SourceIdentity`);
  const reason = outcome.error instanceof StudioGateError ? outcome.error.reason : 'unknown';
  if (reason.startsWith('sts-access-denied')) {
    return fail(
      `STS refused ${roleArn} (${reason})`,
      "deploy the domain account's issuer role (npm run -s issuer-role) trusting this stack's IssuerTrustedRoleArns and HealthCheckRoleArn (with a canary: --health-canary-owner, its owner), and requiring SourceIdentity",
    );
  }
  return fail(
    `could not assume ${roleArn} (${reason})`,
    'check the STS interface endpoint (dns.sts, tls.sts) and the route from the functions to it',
  );
}

/**
 * The issuer role's owner binding, probed (docs/health-checks.md): a session tagged as nobody asked
 * to read the canary profile, which its owner tag gives to someone else. IAM refusing it is the
 * binding holding; an answer means the issuer role was widened (a grant attached beside its policy,
 * its Deny removed) and would let studio-gate open anyone's Studio if its own checks failed.
 */
export function checkBinding(
  roleArn: string,
  profileName: string,
  outcome: { ok: true } | { ok: false; error: unknown },
): CheckOutcome {
  if (outcome.ok) {
    return fail(
      `${roleArn} let a session that owns nothing read canary profile ${profileName}: the owner binding is gone`,
      'deploy the issuer role as npm run -s issuer-role prints it, and detach any policy attached beside it',
    );
  }
  const { error } = outcome;
  if (error instanceof ForbiddenError && error.reason === 'issuer-role-refused') {
    return pass(`${roleArn} refuses canary profile ${profileName} to a session that does not own it`);
  }
  if (error instanceof ProfileNotFoundError) {
    return warn(`canary profile ${profileName} does not exist: the owner binding was not probed`, 'create the canary profile');
  }
  throw error;
}

/** The probe's own session could not be opened: the binding is unknown, which fails the check. */
export function bindingUnprobed(roleArn: string, error: unknown): CheckOutcome {
  const reason = error instanceof StudioGateError ? error.reason : 'unknown';
  return fail(
    `could not open a session of ${roleArn} as the health check (${reason}): the owner binding was not probed`,
    reason.startsWith('sts-access-denied')
      ? "let the issuer role trust the stack's HealthCheckRoleArn as itself (npm run -s issuer-role -- --health-role-arn …)"
      : 'check the STS interface endpoint (dns.sts, tls.sts) and the route from the functions to it',
  );
}
