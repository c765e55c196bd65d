/**
 * POST /studio-url: a portal's backend asks for the person's URL with the person's token and an
 * `application/json` body `{"domain"?, "landing"?, "space"?, "redirect"?}`, parsed by
 * @middy/http-json-body-parser. The body is held to the query's rules: each field at most once, no
 * other field, the same values (redirect a boolean here). A body that is not one small JSON object
 * is a 400 (`body-*` in the audit log), never a 500. Parameters come from the body only: a POST
 * with a query string is refused.
 */

import type middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InvalidParameterError } from '../domain/errors';
import type { QueryParameters } from '../domain/launch-options';
import { headerValues } from './headers';

/** The largest body taken (decoded); a launch request is a few hundred bytes. */
export const MAX_BODY_BYTES = 4096;

const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

// The content type is checked above, whatever the header's casing; the option exists at runtime
// (6.x) though its type declaration lacks it.
const parser = httpJsonBodyParser({ disableContentTypeCheck: true } as Parameters<typeof httpJsonBodyParser>[0]);

/** Per event: the raw text of its parsed body (for the repeated-field check), or why it could not be read. */
const bodies = new WeakMap<object, { text: string } | { problem: InvalidParameterError }>();

/** Checks what can be checked before parsing: one JSON content type, a small body without escapes. */
function assertParsable(event: APIGatewayProxyEvent): string {
  const types = headerValues(event, 'content-type');
  if (types.length !== 1 || !JSON_TYPE.test(types[0] as string)) throw new InvalidParameterError('body', 'body-content-type');
  if (typeof event.body !== 'string') throw new InvalidParameterError('body', 'body-missing');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw new InvalidParameterError('body', 'body-too-large');
  // No valid field name or value holds a backslash; refusing escapes keeps `"\u0073pace"` from
  // passing as a second `space` that the repeated-field check would not see.
  if (text.includes('\\')) throw new InvalidParameterError('body', 'body-malformed');
  return text;
}

type Request = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * The middleware: on POST, checks and parses the body (GET bodies are never read). It throws
 * nothing: a body that cannot be read is refused by {@link parametersFromBody}, after the source
 * and caller checks, as a bad query parameter is.
 */
export function jsonBody(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async function studioUrlJsonBody(request: Request): Promise<void> {
      if (request.event.httpMethod !== 'POST') return;
      const { event } = request;
      try {
        const text = assertParsable(event);
        try {
          await parser.before?.(request as never);
        } catch {
          throw new InvalidParameterError('body', 'body-malformed');
        }
        bodies.set(event, { text });
      } catch (error) {
        bodies.set(event, {
          problem: error instanceof InvalidParameterError ? error : new InvalidParameterError('body', 'body-malformed'),
        });
      }
    },
  };
}

/**
 * The body's fields as query parameters, for the launch-option rules.
 * @param queryNames the names of any query parameters (a POST takes none)
 * @throws InvalidParameterError
 */
export function parametersFromBody(event: APIGatewayProxyEvent, queryNames: readonly string[]): QueryParameters {
  const read = bodies.get(event);
  if (read === undefined) throw new InvalidParameterError('body', 'body-missing');
  if ('problem' in read) throw read.problem;
  const first = queryNames[0];
  if (first !== undefined) throw new InvalidParameterError(first, 'parameter-unknown');
  const body = event.body as unknown;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new InvalidParameterError('body', 'body-not-object');
  const raw = read.text;
  const parameters: Record<string, readonly string[]> = Object.create(null);
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    // A field named twice parses as one: count it as written (no escapes reach here).
    const written = raw.split(`"${name}"`).length - 1;
    if (written > 1) throw new InvalidParameterError(name, 'parameter-repeated');
    if (name === 'redirect') {
      if (typeof value !== 'boolean') throw new InvalidParameterError('redirect');
      parameters.redirect = [String(value)];
    } else if (name === 'domain' || name === 'landing' || name === 'space') {
      if (typeof value !== 'string') throw new InvalidParameterError(name);
      parameters[name] = [value];
    } else {
      throw new InvalidParameterError(name, 'parameter-unknown');
    }
  }
  return parameters;
}
