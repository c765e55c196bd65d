/**
 * The whole GET /studio-url pipeline in this process: the real handler stack (middy, use case, real
 * SDK client, real JWT verification) against the local SageMaker emulator and token issuer over
 * loopback HTTP. Used by the fault tests and the load script, where serverless-offline's
 * per-request worker start would measure serverless-offline rather than studio-gate.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { JsonLineAuditLog } from '../../src/adapters/audit-log';
import { buildStudioUrlApp, type StudioGateApp } from '../../src/composition/studio-url';
import { studioUrlHandler } from '../../src/http/studio-url-endpoint';
import { LOCAL_CREDENTIALS } from './credentials';
import {
  DEMO_ACCOUNT,
  DEMO_DOMAIN_ID,
  DEMO_EMAIL_DOMAIN,
  DEMO_REGION,
  DEMO_ROLE_ARN,
  demoDomains,
  REQUIRED_GROUP,
} from './demo-data';
import { invocationContext } from './lambda-context';
import { startPeers } from './stack';

/**
 * The opt-out (docs/iam-guardrails.md): issuing with the function's own client, no issuer role. For
 * tests whose subject is SageMaker alone, and for the test that shows what the opt-out gives up.
 */
export const DIRECT_ISSUANCE: Readonly<Record<string, string>> = { STUDIO_ISSUANCE: 'direct', STUDIO_ISSUER_ROLE_ARN: '' };

/** Environment of the in-process pipeline; `overrides` wins (e.g. shorter SageMaker timeouts). */
export function inProcessEnv(
  peers: { readonly emulator: { readonly url: string }; readonly issuer: { readonly issuer: string; readonly jwksUri: string } },
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    AWS_REGION: DEMO_REGION,
    STUDIO_DOMAIN_ID: DEMO_DOMAIN_ID,
    // Tag-bound through the demo domain's issuer role, assumed at the emulator's STS.
    STUDIO_ISSUER_ROLE_ARN: DEMO_ROLE_ARN,
    AWS_ENDPOINT_URL_STS: peers.emulator.url,
    AUTH_MODE: 'jwt',
    JWT_ISSUER: peers.issuer.issuer,
    JWT_AUDIENCE: 'studio-gate',
    JWT_JWKS_URI: peers.issuer.jwksUri,
    JWT_PROFILE_CLAIM: 'email',
    REQUIRED_GROUPS: REQUIRED_GROUP,
    PROFILE_TRANSFORM: 'email-local-part,lowercase,dots-to-dashes',
    ALLOWED_EMAIL_DOMAINS: DEMO_EMAIL_DOMAIN,
    STUDIO_ACCOUNT_ID: DEMO_ACCOUNT,
    ALLOWED_VPCE_IDS: 'vpce-0a1b2c3d4e5f60718',
    ALLOWED_VPC_IDS: 'vpc-0123456789abcdef0',
    ALLOWED_SOURCE_CIDRS: '198.51.100.0/24,2001:db8::/32',
    FUNCTION_TIMEOUT_SECONDS: '25',
    AWS_ENDPOINT_URL_SAGEMAKER: peers.emulator.url,
    LOCAL_STUDIO_ORIGIN: peers.emulator.url,
    ...overrides,
  };
}

/** A private-API event as API Gateway would send it from an allowed network. */
export function studioUrlEvent(token: string | undefined, query: Record<string, string[]> = {}): APIGatewayProxyEvent {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  return {
    resource: '/studio-url',
    path: '/studio-url',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: Object.keys(query).length
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v[0] as string]))
      : null,
    multiValueQueryStringParameters: Object.keys(query).length ? query : null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: DEMO_ACCOUNT,
      apiId: 'inprocess',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: 'GET',
      path: '/studio-url',
      stage: 'local',
      requestId: 'inprocess',
      requestTimeEpoch: Date.now(),
      resourceId: 'inprocess',
      resourcePath: '/studio-url',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '198.51.100.23',
        user: null,
        userAgent: 'studio-gate-in-process',
        userArn: null,
        vpcId: 'vpc-0123456789abcdef0',
        vpceId: 'vpce-0a1b2c3d4e5f60718',
      },
    },
  } as APIGatewayProxyEvent;
}

/** The running pipeline. */
export interface InProcessPipeline {
  readonly peers: Peers;
  readonly app: StudioGateApp;
  invoke(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult>;
  close(): Promise<void>;
}

/**
 * The variables that make the pipeline serve both demo domains, as `npm start` does: the risk domain
 * through its issuer role, assumed at the emulator's STS.
 */
export function severalDomainsEnv(peers: { readonly emulator: { readonly url: string } }): Record<string, string> {
  return {
    STUDIO_DOMAIN_ID: '',
    STUDIO_ACCOUNT_ID: '',
    STUDIO_ISSUER_ROLE_ARN: '',
    STUDIO_DOMAINS: demoDomains(peers.emulator.url),
    STUDIO_GATE_ACCOUNT_ID: DEMO_ACCOUNT,
    AWS_ENDPOINT_URL_STS: peers.emulator.url,
  };
}

type Peers = Awaited<ReturnType<typeof startPeers>>;

/** Starts emulator and issuer on ephemeral loopback ports and builds the handler around them. */
export async function startInProcessPipeline(
  overrides: Record<string, string> | ((peers: Peers) => Record<string, string>) = {},
): Promise<InProcessPipeline> {
  const peers = await startPeers({ emulator: 0, issuer: 0 });
  // The SDK signs every request; the emulator ignores the signature. Never real credentials.
  const app = buildStudioUrlApp(inProcessEnv(peers, typeof overrides === 'function' ? overrides(peers) : overrides), {
    credentials: LOCAL_CREDENTIALS,
  });
  const handler = studioUrlHandler(() => app, new JsonLineAuditLog());
  return {
    peers,
    app,
    invoke: (event) => handler(event, invocationContext()) as Promise<APIGatewayProxyResult>,
    close: async () => {
      await Promise.all([peers.emulator.close(), peers.issuer.close()]);
    },
  };
}
