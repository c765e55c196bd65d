/**
 * GET /studio-url over API Gateway (REST, proxy integration): event → use-case request, and
 * issued URL → response. Only API Gateway-set fields and the Authorization header are read
 * (docs/architecture.md, trust rule 2); every other header is ignored.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { QueryParameters } from '../domain/launch-options';
import type { RequestSource } from '../domain/network-source';
import type { DomainChoices, Issuance, IssuedStudioUrl, StudioUrlRequest } from '../use-cases/issue-studio-url';
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

/** The status of "choose a domain": the request names several answers, each a URL of ours (RFC 9110, 15.4.1). */
export const DOMAIN_CHOICE_STATUS = 300;

/** A path API Gateway reports for a route (`/prod/studio-url`); anything else falls back to the route alone. */
const ROUTE_PATH = /^(?:\/[A-Za-z0-9._~-]{1,128}){0,8}$/;

/** The path this request reached, as API Gateway reports it (stage included), for links back to the same route. */
export function routePathOf(event: APIGatewayProxyEvent, route: string): string {
  const path = event.requestContext?.path;
  return typeof path === 'string' && ROUTE_PATH.test(path) && path.endsWith(route) ? path : route;
}

/** The link that asks `path` again with `domainId` chosen and the launch options the caller sent. */
export function choiceUrl(path: string, domainId: string, launch: QueryParameters): string {
  const query = new URLSearchParams({ domain: domainId });
  for (const [name, values] of Object.entries(launch)) for (const value of values ?? []) query.append(name, value);
  return `${path}?${query.toString()}`;
}

/** The JSON body of a choice: each domain's id, label and the URL to ask for it. */
export function domainChoicesBody(choices: DomainChoices, path: string) {
  return {
    code: 'domain_choice_required',
    title: 'Choose a Studio domain',
    domains: choices.domains.map(({ id, label }) => ({ id, label, url: choiceUrl(path, id, choices.launch) })),
  };
}

/**
 * 200 JSON, 302 to the URL when the caller asked for `redirect=true`, or 300 with the domains to
 * choose from (links back to `path`, the route this request reached).
 */
export function studioUrlResponse(issuance: Issuance, path = '/studio-url'): APIGatewayProxyResult {
  if (issuance.kind === 'choose') {
    return {
      statusCode: DOMAIN_CHOICE_STATUS,
      headers: withSecurityHeaders({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(domainChoicesBody(issuance, path)),
    };
  }
  return issuedResponse(issuance);
}

function issuedResponse(issued: IssuedStudioUrl): APIGatewayProxyResult {
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
