/** Builds API Gateway REST (private API) events from the recorded fixture, changing only what a test names. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fixture from '../fixtures/private-api-get-studio-url.json';

export const FIXTURE_VPCE_ID = 'vpce-0a1b2c3d4e5f60718';
export const FIXTURE_VPC_ID = 'vpc-0123456789abcdef0';
export const FIXTURE_SOURCE_IP = '198.51.100.23';

export interface EventOptions {
  /** Bearer token; `null` removes the Authorization header. */
  token?: string | null;
  query?: Record<string, string[]>;
  identity?: Partial<APIGatewayProxyEvent['requestContext']['identity']> & { vpcId?: string; vpceId?: string };
  /** Extra headers, added to both header maps. */
  headers?: Record<string, string>;
}

export function privateApiEvent(options: EventOptions = {}): APIGatewayProxyEvent {
  const event = structuredClone(fixture) as unknown as APIGatewayProxyEvent;
  const headers: Record<string, string> = { ...(event.headers as Record<string, string>) };
  const multi: Record<string, string[]> = { ...(event.multiValueHeaders as Record<string, string[]>) };
  delete headers.Authorization;
  delete multi.Authorization;
  if (options.token !== null && options.token !== undefined) {
    headers.Authorization = `Bearer ${options.token}`;
    multi.Authorization = [`Bearer ${options.token}`];
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  event.headers = headers;
  event.multiValueHeaders = multi;
  if (options.query) {
    event.multiValueQueryStringParameters = options.query;
    event.queryStringParameters = Object.fromEntries(
      Object.entries(options.query).map(([k, v]) => [k, v[v.length - 1] as string]),
    );
  }
  event.requestContext.identity = {
    ...event.requestContext.identity,
    ...options.identity,
  } as APIGatewayProxyEvent['requestContext']['identity'];
  return event;
}
