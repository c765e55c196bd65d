/**
 * STS's AssumeRole, the one STS operation studio-gate sends (the issuer roles), over
 * {@link SignedRpc} in the Query protocol: the request the SDK's STSClient would send, and its answer
 * read strictly. What the answer means (all four credential fields present, a valid expiry) is
 * checked by its one caller, src/adapters/issuer-sessions.ts.
 */
import { queryCall, type ServiceSettings, SignedRpc } from './signed-rpc';
import { childText, optionalChild, type XmlElement } from './xml-answer';

/** STS's API version. */
const VERSION = '2011-06-15';

/** AssumeRole's parameters, named as STS names them. */
export interface AssumeRoleRequest {
  readonly RoleArn: string;
  readonly RoleSessionName: string;
  readonly SourceIdentity?: string;
  readonly DurationSeconds?: number;
  readonly Tags?: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
}

/** What AssumeRole answered: each field as found (absent when STS sent none); the caller decides if it is usable. */
export interface AssumeRoleAnswer {
  readonly Credentials?: {
    readonly AccessKeyId?: string;
    readonly SecretAccessKey?: string;
    readonly SessionToken?: string;
    /** An invalid date when STS's text is not one. */
    readonly Expiration?: Date;
  };
}

/** The STS calls studio-gate makes. */
export interface StsApi {
  assumeRole(input: AssumeRoleRequest, signal?: AbortSignal): Promise<AssumeRoleAnswer>;
}

/** AssumeRole's form parameters, in the order the SDK writes them. */
export function assumeRoleParams(input: AssumeRoleRequest): [string, string][] {
  const params: [string, string][] = [
    ['RoleArn', input.RoleArn],
    ['RoleSessionName', input.RoleSessionName],
  ];
  if (input.DurationSeconds !== undefined) params.push(['DurationSeconds', String(input.DurationSeconds)]);
  (input.Tags ?? []).forEach((tag, i) => {
    params.push([`Tags.member.${i + 1}.Key`, tag.Key], [`Tags.member.${i + 1}.Value`, tag.Value]);
  });
  if (input.SourceIdentity !== undefined) params.push(['SourceIdentity', input.SourceIdentity]);
  return params;
}

/** An RFC 3339 date-time with its offset, as STS writes it; anything else is an invalid date (refused by the caller). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function timestamp(text: string): Date {
  const trimmed = text.trim();
  return RFC3339.test(trimmed) ? new Date(trimmed) : new Date(Number.NaN);
}

/** AssumeRole's result element, each credential field as found. @throws XmlAnswerError when one is there twice. */
function readAssumeRole(result: XmlElement): AssumeRoleAnswer {
  const credentials = optionalChild(result, 'Credentials');
  if (credentials === undefined) return {};
  const text = (name: string) => childText(credentials, name);
  const [AccessKeyId, SecretAccessKey, SessionToken, expiration] = [
    text('AccessKeyId'),
    text('SecretAccessKey'),
    text('SessionToken'),
    text('Expiration'),
  ];
  return {
    Credentials: {
      ...(AccessKeyId !== undefined && { AccessKeyId }),
      ...(SecretAccessKey !== undefined && { SecretAccessKey }),
      ...(SessionToken !== undefined && { SessionToken }),
      ...(expiration !== undefined && { Expiration: timestamp(expiration) }),
    },
  };
}

/** STS over one signed endpoint. */
export class StsClient implements StsApi {
  private readonly rpc: SignedRpc;

  constructor(settings: ServiceSettings) {
    this.rpc = new SignedRpc({ ...settings, service: 'sts' });
  }

  assumeRole(input: AssumeRoleRequest, signal?: AbortSignal): Promise<AssumeRoleAnswer> {
    return queryCall(this.rpc, 'AssumeRole', VERSION, assumeRoleParams(input), readAssumeRole, { signal });
  }

  destroy(): void {
    this.rpc.destroy();
  }
}
