/**
 * POST /studio-url (portal integration): the JSON body holds the same launch options as the GET's
 * query and answers exactly as the GET does; a body that is not one small JSON object of known,
 * well-typed, unrepeated fields is a 400 (never a 500), and only after the source and caller checks.
 */
import { CreatePresignedDomainUrlCommand } from '@aws-sdk/client-sagemaker';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../../../src/http/studio-url-body';
import { type EventOptions, privateApiEvent } from '../../support/events';
import { sagemaker, setup, tokenFor } from '../../support/mock-pipeline';

const alice = () => tokenFor('alice');
const body = (r: APIGatewayProxyResult) => JSON.parse(r.body) as Record<string, unknown>;

describe('POST /studio-url', () => {
  it('answers as the GET does, for the same options', async () => {
    const { call, audit } = setup();
    const get = await call({ token: alice(), query: { landing: ['app:JupyterLab:lab'], space: ['team-a'] } });
    const post = await call({ token: alice(), body: { landing: 'app:JupyterLab:lab', space: 'team-a' } });
    expect(post.statusCode).toBe(get.statusCode);
    expect(post.headers).toEqual(get.headers);
    expect(Object.keys(body(post))).toEqual(Object.keys(body(get)));
    expect(sagemaker).toHaveReceivedCommandWith(CreatePresignedDomainUrlCommand, {
      UserProfileName: 'alice',
      LandingUri: 'app:JupyterLab:lab',
      SpaceName: 'team-a',
    });
    expect(audit.entries.map((e) => [e.decision, e.reason, e.userProfileName])).toEqual([
      ['allow', 'issued', 'alice'],
      ['allow', 'issued', 'alice'],
    ]);
  });

  it('redirects with redirect: true, and answers JSON for false or an empty object', async () => {
    const { call } = setup();
    const redirected = await call({ token: alice(), body: { redirect: true } });
    expect(redirected.statusCode).toBe(302);
    expect(redirected.headers?.Location).toMatch(/^https:\/\/d-localdemo\.studio\./);
    expect((await call({ token: alice(), body: { redirect: false } })).statusCode).toBe(200);
    expect((await call({ token: alice(), body: {} })).statusCode).toBe(200);
  });

  it('takes a charset, a base64 body and any casing of the header name', async () => {
    const { call } = setup();
    const text = JSON.stringify({ space: 'team-a' });
    expect(
      (await call({ token: alice(), body: text, headers: { 'content-type': 'application/json; charset=utf-8' } })).statusCode,
    ).toBe(200);
    expect(
      (await call({ token: alice(), body: text, base64: true, headers: { 'CONTENT-TYPE': 'application/json' } })).statusCode,
    ).toBe(200);
  });

  it('never lets the body choose the profile', async () => {
    const { call, audit } = setup();
    const response = await call({ token: alice(), body: { space: 'team-a', user: 'bob' } });
    expect(response.statusCode).toBe(400);
    expect(body(response)).toMatchObject({ code: 'invalid_parameter', parameter: 'user' });
    expect(audit.entries[0]).toMatchObject({ reason: 'parameter-unknown', userProfileName: 'alice' });
    expect(sagemaker).not.toHaveReceivedCommand(CreatePresignedDomainUrlCommand);
  });

  const refused: [string, EventOptions['body'], Record<string, string>, string, string][] = [
    ['malformed JSON', '{"space":', { 'Content-Type': 'application/json' }, 'body-malformed', 'body'],
    ['an empty body', '', { 'Content-Type': 'application/json' }, 'body-malformed', 'body'],
    ['a JSON array', [{ space: 'team-a' }], {}, 'body-not-object', 'body'],
    ['a JSON string', '"space"', { 'Content-Type': 'application/json' }, 'body-not-object', 'body'],
    ['JSON null', 'null', { 'Content-Type': 'application/json' }, 'body-not-object', 'body'],
    ['no content type', '{}', {}, 'body-content-type', 'body'],
    ['a form body', 'space=team-a', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'body-content-type', 'body'],
    ['a JSON-looking type', '{}', { 'Content-Type': 'application/jsonp' }, 'body-content-type', 'body'],
    ['text/plain (a cross-site form)', '{}', { 'Content-Type': 'text/plain' }, 'body-content-type', 'body'],
    [
      'too large',
      JSON.stringify({ landing: `studio::${'a'.repeat(MAX_BODY_BYTES)}` }),
      { 'Content-Type': 'application/json' },
      'body-too-large',
      'body',
    ],
    [
      'an escaped key (a hidden second field)',
      '{"space":"a","\\u0073pace":"b"}',
      { 'Content-Type': 'application/json' },
      'body-malformed',
      'body',
    ],
    [
      'a repeated field',
      '{"space":"team-a","space":"team-b"}',
      { 'Content-Type': 'application/json' },
      'parameter-repeated',
      'space',
    ],
    ['redirect as a string', { redirect: 'true' }, {}, 'invalid-parameter', 'redirect'],
    ['redirect as a number', { redirect: 1 }, {}, 'invalid-parameter', 'redirect'],
    ['space as a number', { space: 7 }, {}, 'invalid-parameter', 'space'],
    ['landing as an object', { landing: { uri: 'studio::' } }, {}, 'invalid-parameter', 'landing'],
    ['a landing that is a URL', { landing: 'https://evil.example' }, {}, 'invalid-parameter', 'landing'],
    [
      'a prototype key',
      '{"__proto__":{"redirect":true}}',
      { 'Content-Type': 'application/json' },
      'parameter-unknown',
      '__proto__',
    ],
  ];
  it.each(refused)('refuses %s with a 400', async (_, sent, headers, reason, parameter) => {
    const { call, audit } = setup();
    const response = await call({ token: alice(), body: sent, headers });
    expect(response.statusCode).toBe(400);
    expect(body(response)).toMatchObject({ code: 'invalid_parameter', parameter });
    expect(audit.entries[0]).toMatchObject({ decision: 'deny', reason, status: 400 });
    expect(sagemaker).not.toHaveReceivedCommand(CreatePresignedDomainUrlCommand);
  });

  it('refuses a query string on a POST: its options come from the body only', async () => {
    const { call, audit } = setup();
    const response = await call({ token: alice(), body: {}, query: { redirect: ['true'] } });
    expect(response.statusCode).toBe(400);
    expect(audit.entries[0]?.reason).toBe('parameter-unknown');
  });

  it('judges the source and the caller before the body: an outsider learns nothing from it', async () => {
    const { call, audit } = setup();
    const outsider = await call({ token: alice(), body: '{not json', identity: { sourceIp: '203.0.113.9' } });
    expect(outsider.statusCode).toBe(403);
    const anonymous = await call({ token: null, body: '{not json', headers: { 'Content-Type': 'text/plain' } });
    expect(anonymous.statusCode).toBe(401);
    expect(audit.entries.map((e) => e.reason)).toEqual(['source-ip-not-allowed', 'bearer-missing']);
  });

  it('reads no body on a GET', async () => {
    const { invoke } = setup();
    const event = privateApiEvent({ token: alice() });
    event.body = '{not json';
    expect((await invoke(event)).statusCode).toBe(200);
  });
});
