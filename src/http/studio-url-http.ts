/**
 * GET /studio-url over API Gateway (REST, proxy integration): event → use-case request, and
 * issued URL → response. Only API Gateway-set fields and the Authorization header are read
 * (docs/architecture.md, trust rule 2); every other header is ignored.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { RequestSource } from '../domain/network-source';
import type { IssuedStudioUrl, StudioUrlRequest } from '../use-cases/issue-studio-url';
import { headerValues, withSecurityHeaders } from './headers';
import { parametersFromBody } from './studio-url-body';

function emptyToUndefined(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

/** Lifts what the use case needs out of a REST API proxy event. */
export function studioUrlRequestFrom(event: APIGatewayProxyEvent): StudioUrlRequest {
  const identity = event.requestContext?.identity;
  const query = queryParametersOf(event);
  // Every Authorization value: more than one is refused later.
  const authorizations = headerValues(event, 'authorization');
  const iamUserArn = emptyToUndefined(identity?.userArn);
  return {
    authorizations,
    ...(iamUserArn !== undefined && { iamUserArn }),
    source: requestSourceOf(event),
    parameters: event.httpMethod === 'POST' ? () => parametersFromBody(event, Object.keys(query)) : () => query,
  };
}

/** The query, every value of every parameter (multi-value form). */
export function queryParametersOf(event: APIGatewayProxyEvent): Record<string, readonly string[]> {
  // No prototype: a parameter named `__proto__` or `constructor` is just an (unknown) parameter.
  const query: Record<string, readonly string[]> = Object.create(null);
  const multi = event.multiValueQueryStringParameters ?? {};
  for (const [name, values] of Object.entries(multi)) if (values) query[name] = values;
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (!Object.hasOwn(query, name) && value !== undefined) query[name] = [value];
  }
  return query;
}

/** Where the request came from, as API Gateway saw it (endpoint, VPC, client address); never a header. */
export function requestSourceOf(event: APIGatewayProxyEvent): RequestSource {
  const identity = event.requestContext?.identity;
  const vpceId = emptyToUndefined(identity?.vpceId);
  const vpcId = emptyToUndefined(identity?.vpcId);
  const sourceIp = emptyToUndefined(identity?.sourceIp);
  return {
    ...(vpceId !== undefined && { vpceId }),
    ...(vpcId !== undefined && { vpcId }),
    ...(sourceIp !== undefined && { sourceIp }),
  };
}

/** 200 JSON, or 302 to the URL when the caller asked for `redirect=true`. */
export function studioUrlResponse(issued: IssuedStudioUrl): APIGatewayProxyResult {
  if (issued.redirect) {
    return { statusCode: 302, headers: withSecurityHeaders({ Location: issued.url }), body: '' };
  }
  const { url, expiresAt, domainId, userProfileName } = issued;
  return {
    statusCode: 200,
    headers: withSecurityHeaders({ 'Content-Type': 'application/json' }),
    body: JSON.stringify({ url, expiresAt, domainId, userProfileName }),
  };
}
