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
  /** A POST with this body (text as sent; an object is sent as JSON with `Content-Type: application/json`). */
  body?: string | Record<string, unknown> | unknown[];
  base64?: boolean;
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
  if (options.body !== undefined) {
    const text = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    event.httpMethod = 'POST';
    event.requestContext.httpMethod = 'POST';
    event.body = options.base64 ? Buffer.from(text).toString('base64') : text;
    event.isBase64Encoded = options.base64 === true;
    if (typeof options.body !== 'string' && !Object.keys(options.headers ?? {}).some((h) => h.toLowerCase() === 'content-type')) {
      (event.headers as Record<string, string>)['Content-Type'] = 'application/json';
      (event.multiValueHeaders as Record<string, string[]>)['Content-Type'] = ['application/json'];
    }
  }
  return event;
}
