/**
 * The GET /studio-url handler stack around a faked SageMaker (aws-sdk-client-mock) and an in-memory
 * JWKS: the whole pipeline but the network, for handler, property and corpus tests.
 */
import {
  CreatePresignedDomainUrlCommand,
  DescribeSpaceCommand,
  DescribeUserProfileCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { demoSpaces } from '../../scripts/local/demo-data';
import { generateSigningKey, signJwt } from '../../scripts/local/jwt';
import { buildStudioUrlApp, type StudioGateApp } from '../../src/composition/studio-url';
import { studioUrlHandler } from '../../src/http/studio-url-endpoint';
import type { AuditEntry, AuditLog } from '../../src/use-cases/ports';
import { jwtEnv } from './env';
import { type EventOptions, privateApiEvent } from './events';
import { lambdaContext } from './lambda-context';

export const sagemaker = mockClient(SageMakerClient);
export const key = generateSigningKey('k1');
export const STUDIO = 'https://d-localdemo.studio.eu-west-1.sagemaker.aws';
export const fetcher: Fetcher = {
  fetch: async () => new TextEncoder().encode(JSON.stringify({ keys: [key.publicJwk] })).buffer as ArrayBuffer,
};

export const PEOPLE: Record<string, { email: string; groups: string[]; status?: string }> = {
  alice: { email: 'alice@example.com', groups: ['studio-users'], status: 'InService' },
  erin: { email: 'Erin@Example.com', groups: ['studio-users'], status: 'InService' },
  bob: { email: 'bob@example.com', groups: ['studio-users'], status: 'Pending' },
  carol: { email: 'carol@example.com', groups: ['studio-users'], status: 'Failed' },
  dave: { email: 'dave@example.com', groups: ['studio-users'] },
  mallory: { email: 'mallory@example.com', groups: ['contractors'], status: 'InService' },
};

export function tokenFor(person: string, overrides: Record<string, unknown> = {}): string {
  const who = PEOPLE[person] as (typeof PEOPLE)[string];
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      iss: 'http://127.0.0.1:4600',
      aud: 'studio-gate',
      sub: `idp|${person}`,
      email: who.email,
      email_verified: true,
      groups: who.groups,
      iat: now,
      exp: now + 300,
      ...overrides,
    },
    key,
  );
}

/** The ARN the fake gives a profile. */
export const profileArn = (name: string) => `arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-localdemo/${name}`;

/** The person whose profile this is (the profile name is their email's lower-cased local part). */
function ownerOf(profile: string) {
  return Object.values(PEOPLE).find((p) => p.email.split('@')[0]?.toLowerCase() === profile);
}

/**
 * A SageMaker fake that knows the people above, tags each profile with its owner (the lower-cased
 * email, `studio-gate:owner`), knows the demo spaces (team-a shared, alice-notebooks and
 * bob-notebooks private), and mints URLs naming the profile.
 */
export function fakeSageMaker(
  ownerTagOf: (profile: string) => string | undefined = (profile) => ownerOf(profile)?.email.toLowerCase(),
): void {
  sagemaker.reset();
  sagemaker.on(DescribeUserProfileCommand).callsFake(async (input: { UserProfileName: string }) => {
    const status = ownerOf(input.UserProfileName)?.status;
    if (!status) throw Object.assign(new Error('not found'), { name: 'ResourceNotFound', $metadata: { httpStatusCode: 400 } });
    return { Status: status, UserProfileArn: profileArn(input.UserProfileName) };
  });
  sagemaker.on(ListTagsCommand).callsFake(async (input: { ResourceArn: string }) => {
    const name = (input.ResourceArn.split('/').pop() as string).toLowerCase();
    const owner = ownerTagOf(name);
    return { Tags: owner !== undefined ? [{ Key: 'studio-gate:owner', Value: owner }] : [] };
  });
  const spaces = demoSpaces();
  sagemaker.on(DescribeSpaceCommand).callsFake(async (input: { SpaceName: string }) => {
    const space = spaces.get(input.SpaceName);
    if (!space) throw Object.assign(new Error('not found'), { name: 'ResourceNotFound', $metadata: { httpStatusCode: 400 } });
    return {
      SpaceName: input.SpaceName,
      SpaceSharingSettings: { SharingType: space.sharingType },
      OwnershipSettings: { OwnerUserProfileName: space.owner },
    };
  });
  sagemaker.on(CreatePresignedDomainUrlCommand).callsFake(async (input: { UserProfileName: string }) => ({
    AuthorizedUrl: `${STUDIO}/auth?token=SECRET-${input.UserProfileName}-TOKEN`,
  }));
}

export class RecordingAuditLog implements AuditLog {
  entries: AuditEntry[] = [];
  problems: string[] = [];
  record(entry: AuditEntry): void {
    this.entries.push(entry);
  }
  problem(message: string): void {
    this.problems.push(message);
  }
}

/** Owner tags as an iam-mode deployment writes them: the session of the trusted role. */
export const iamOwnerTag = (profile: string) => `111122223333:assumed-role/StudioUsers/${profile}`;

export function setup(
  env = jwtEnv(),
  audit: AuditLog = new RecordingAuditLog(),
  ownerTagOf?: (profile: string) => string | undefined,
) {
  fakeSageMaker(ownerTagOf);
  let app: StudioGateApp | undefined;
  const handler = studioUrlHandler(() => {
    app ??= buildStudioUrlApp(env, { jwksFetcher: fetcher, sagemakerClient: new SageMakerClient({ region: 'eu-west-1' }) });
    return app as StudioGateApp;
  }, audit);
  const call = (options: EventOptions) => handler(privateApiEvent(options), lambdaContext()) as Promise<APIGatewayProxyResult>;
  const invoke = (event: APIGatewayProxyEvent) => handler(event, lambdaContext()) as Promise<APIGatewayProxyResult>;
  return { audit: audit as RecordingAuditLog, call, invoke };
}
