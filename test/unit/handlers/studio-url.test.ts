import {
  CreatePresignedDomainUrlCommand,
  DescribeUserProfileCommand,
  ListTagsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { JsonLineAuditLog } from '../../../src/adapters/audit-log';
import { buildStudioUrlApp } from '../../../src/composition/studio-url';
import { studioUrlHandler } from '../../../src/http/studio-url-endpoint';
import { captureOutput, leaksIn } from '../../support/capture';
import { iamEnv, jwtEnv } from '../../support/env';
import { type EventOptions, FIXTURE_SOURCE_IP, FIXTURE_VPCE_ID, privateApiEvent } from '../../support/events';
import { lambdaContext } from '../../support/lambda-context';
import { fakeSageMaker, fetcher, iamOwnerTag, profileArn, STUDIO, sagemaker, setup, tokenFor } from '../../support/mock-pipeline';

function body(response: APIGatewayProxyResult): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe('GET /studio-url handler (jwt mode)', () => {
  it('gives alice a URL for her own profile, as JSON', async () => {
    const { call, audit } = setup();
    const response = await call({ token: tokenFor('alice') });
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe('application/json');
    expect(body(response)).toEqual({
      url: `${STUDIO}/auth?token=SECRET-alice-TOKEN`,
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      domainId: 'd-localdemo',
      userProfileName: 'alice',
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreatePresignedDomainUrlCommand, {
      DomainId: 'd-localdemo',
      UserProfileName: 'alice',
      ExpiresInSeconds: 60,
      SessionExpirationDurationInSeconds: 43200,
    });
    expect(audit.entries).toEqual([
      expect.objectContaining({
        decision: 'allow',
        reason: 'issued',
        status: 200,
        subject: 'idp|alice',
        identity: 'alice@example.com',
        userProfileName: 'alice',
        sourceIp: FIXTURE_SOURCE_IP,
        vpceId: FIXTURE_VPCE_ID,
      }),
    ]);
  });

  it('derives erin’s profile through the configured transform', async () => {
    const { call } = setup();
    expect(body(await call({ token: tokenFor('erin') })).userProfileName).toBe('erin');
  });

  it('redirects with Location when redirect=true', async () => {
    const { call } = setup();
    const response = await call({ token: tokenFor('alice'), query: { redirect: ['true'] } });
    expect(response.statusCode).toBe(302);
    expect(response.headers?.Location).toBe(`${STUDIO}/auth?token=SECRET-alice-TOKEN`);
    expect(response.body).toBe('');
  });

  it('passes a valid landing page and space to SageMaker', async () => {
    const { call } = setup();
    await call({ token: tokenFor('alice'), query: { landing: ['app:JupyterLab:lab'], space: ['team-a'] } });
    expect(sagemaker).toHaveReceivedCommandWith(CreatePresignedDomainUrlCommand, {
      LandingUri: 'app:JupyterLab:lab',
      SpaceName: 'team-a',
      UserProfileName: 'alice',
    });
  });

  it.each<[string, EventOptions, number, string, Record<string, string>]>([
    ['no token', { token: null }, 401, 'bearer-missing', { 'WWW-Authenticate': 'Bearer realm="studio-gate"' }],
    ['an expired token', { token: tokenFor('alice', { exp: 1000 }) }, 401, 'jwt-expired', {}],
    ['bob (Pending)', { token: tokenFor('bob') }, 409, 'profile-status-pending', { 'Retry-After': '30' }],
    ['carol (Failed)', { token: tokenFor('carol') }, 409, 'profile-status-failed', {}],
    ['dave (no profile)', { token: tokenFor('dave') }, 404, 'profile-not-found', {}],
    ['mallory (not in the group)', { token: tokenFor('mallory') }, 403, 'group-missing', {}],
    [
      'another endpoint',
      { token: tokenFor('alice'), identity: { vpceId: 'vpce-0ffffffffffffffff' } },
      403,
      'source-vpce-not-allowed',
      {},
    ],
    ['no endpoint id', { token: tokenFor('alice'), identity: { vpceId: undefined } }, 403, 'source-vpce-missing', {}],
    [
      'another VPC',
      { token: tokenFor('alice'), identity: { vpcId: 'vpc-0fffffffffffffff0' } },
      403,
      'source-vpc-not-allowed',
      {},
    ],
    [
      'an address outside the ranges',
      { token: tokenFor('alice'), identity: { sourceIp: '203.0.113.9' } },
      403,
      'source-ip-not-allowed',
      {},
    ],
    ['an unknown parameter', { token: tokenFor('alice'), query: { user: ['bob'] } }, 400, 'parameter-unknown', {}],
    [
      'a bad landing page',
      { token: tokenFor('alice'), query: { landing: ['https://evil.example'] } },
      400,
      'invalid-parameter',
      {},
    ],
    [
      'two Authorization headers',
      { token: tokenFor('alice'), headers: { authorization: `Bearer ${tokenFor('bob')}` } },
      401,
      'authorization-repeated',
      {},
    ],
  ])('answers %s with %i and the reason only in the audit log', async (_what, options, status, reason, headers) => {
    const { call, audit } = setup();
    const response = await call(options);
    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/problem+json',
      'Cache-Control': 'no-store',
      ...headers,
    });
    expect(body(response)).toMatchObject({ status, type: expect.stringMatching(/^urn:studio-gate:problem:/) });
    expect(response.body).not.toContain(reason);
    expect(audit.entries).toEqual([expect.objectContaining({ decision: 'deny', reason, status })]);
    if (status !== 404 && status !== 409) expect(sagemaker).not.toHaveReceivedCommand(CreatePresignedDomainUrlCommand);
  });

  it('never lets a header, query or body value pick another profile', async () => {
    const { call } = setup();
    const response = await call({
      token: tokenFor('alice'),
      headers: {
        'X-User': 'bob',
        'X-Forwarded-User': 'bob',
        'X-Forwarded-For': '198.51.100.1',
        Host: 'bob.example',
        'x-apigw-api-id': 'other',
      },
    });
    expect(body(response).userProfileName).toBe('alice');
    expect(sagemaker).not.toHaveReceivedCommandWith(DescribeUserProfileCommand, { UserProfileName: 'bob' });
    expect(sagemaker).not.toHaveReceivedCommandWith(CreatePresignedDomainUrlCommand, { UserProfileName: 'bob' });
  });

  it('does not trust X-Forwarded-For for the source check', async () => {
    const { call } = setup();
    const response = await call({
      token: tokenFor('alice'),
      identity: { sourceIp: '203.0.113.9' },
      headers: { 'X-Forwarded-For': FIXTURE_SOURCE_IP },
    });
    expect(response.statusCode).toBe(403);
  });

  it('answers 502 and hides a URL on a foreign origin', async () => {
    const { call, audit } = setup();
    sagemaker.on(CreatePresignedDomainUrlCommand).resolves({ AuthorizedUrl: 'https://evil.example/auth?token=LEAK' });
    const response = await call({ token: tokenFor('alice') });
    expect(response.statusCode).toBe(502);
    expect(response.body).not.toContain('LEAK');
    expect(audit.entries[0]?.reason).toBe('presigned-url-unexpected-origin');
  });

  it.each([
    ['a CR/LF', `${STUDIO}/auth?token=a\r\nSet-Cookie: x=1`],
    ['a tab', `${STUDIO}/auth?token=a\tb`],
    ['a space', `${STUDIO}/auth?token=a b`],
    ['a NUL', `${STUDIO}/auth?token=a\u0000`],
    ['a non-ASCII character', `${STUDIO}/auth?token=\u00e9`],
    ['an upper-case host that parses to ours', `https://D-LOCALDEMO.studio.eu-west-1.sagemaker.aws/auth?token=a`],
    ['a default port written out', `${STUDIO}:443/auth?token=a`],
    ['a fragment', `${STUDIO}/auth?token=a#x`],
  ])('never returns a URL with %s (502), as JSON or as a redirect', async (_what, url) => {
    for (const redirect of ['false', 'true']) {
      const { call, audit } = setup();
      sagemaker.on(CreatePresignedDomainUrlCommand).resolves({ AuthorizedUrl: url });
      const response = await call({ token: tokenFor('alice'), query: { redirect: [redirect] } });
      expect(response.statusCode).toBe(502);
      expect(response.headers?.Location).toBeUndefined();
      expect(response.body).not.toContain('token=');
      expect(audit.entries[0]?.reason).toMatch(/^presigned-url-/);
    }
  });

  describe.each(['parallel', 'sequential'])('in the %s mode', (mode) => {
    const env = () => jwtEnv({ SAGEMAKER_CALL_MODE: mode, STUDIO_ACCOUNT_ID: '111122223333' });

    it.each<[string, (profile: string) => string | undefined, string]>([
      ['no owner tag', () => undefined, 'profile-owner-missing'],
      ['another person as owner', () => 'bob@example.com', 'profile-owner-mismatch'],
      ['the owner in another case', () => 'Alice@example.com', 'profile-owner-mismatch'],
    ])('refuses a profile with %s (403): no URL reaches the answer or the log', async (_what, owner, reason) => {
      const { call, audit } = setup(env(), undefined, owner);
      const response = await call({ token: tokenFor('alice'), query: { redirect: ['true'] } });
      expect(response.statusCode).toBe(403);
      expect(body(response).code).toBe('forbidden');
      expect(response.headers?.Location).toBeUndefined();
      expect(JSON.stringify(response)).not.toContain('SECRET-');
      expect(JSON.stringify(audit.entries)).not.toContain('SECRET-');
      expect(audit.entries[0]).toMatchObject({ decision: 'deny', reason, userProfileName: 'alice' });
      // Only the sequential mode never mints one at all.
      if (mode === 'sequential') expect(sagemaker).not.toHaveReceivedCommand(CreatePresignedDomainUrlCommand);
    });

    it.each([
      ['bob', 'Pending'],
      ['carol', 'Failed'],
    ])('gives %s (%s, owned) no URL', async (person) => {
      const { call, audit } = setup(env());
      const response = await call({ token: tokenFor(person) });
      expect(response.statusCode).toBe(409);
      expect(JSON.stringify(response)).not.toContain('SECRET-');
      expect(JSON.stringify(audit.entries)).not.toContain('SECRET-');
      if (mode === 'sequential') expect(sagemaker).not.toHaveReceivedCommand(CreatePresignedDomainUrlCommand);
    });

    it('issues alice her own URL', async () => {
      const { call } = setup(env());
      expect(body(await call({ token: tokenFor('alice') })).userProfileName).toBe('alice');
      expect(sagemaker).toHaveReceivedCommandWith(ListTagsCommand, { ResourceArn: profileArn('alice') });
    });
  });

  it('starts all three SageMaker calls before any answers in the parallel mode', async () => {
    const { call } = setup(jwtEnv({ SAGEMAKER_CALL_MODE: 'parallel', STUDIO_ACCOUNT_ID: '111122223333' }));
    const started: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held =
      <T>(name: string, answer: T) =>
      async () => {
        started.push(name);
        if (started.length === 3) release();
        await gate;
        return answer;
      };
    sagemaker
      .on(DescribeUserProfileCommand)
      .callsFake(held('describe', { Status: 'InService', UserProfileArn: profileArn('alice') }));
    sagemaker.on(ListTagsCommand).callsFake(held('tags', { Tags: [{ Key: 'studio-gate:owner', Value: 'alice@example.com' }] }));
    sagemaker
      .on(CreatePresignedDomainUrlCommand)
      .callsFake(held('presign', { AuthorizedUrl: `${STUDIO}/auth?token=SECRET-alice-TOKEN` }));
    const response = await call({ token: tokenFor('alice') });
    expect(response.statusCode).toBe(200);
    expect(started.sort()).toEqual(['describe', 'presign', 'tags']);
  });

  it('reads the tags again on the ARN SageMaker named when it differs from the one built', async () => {
    const { call } = setup(jwtEnv({ SAGEMAKER_CALL_MODE: 'parallel', STUDIO_ACCOUNT_ID: '111122223333' }));
    const spelled = profileArn('alice').replace('/alice', '/ALICE');
    sagemaker.on(DescribeUserProfileCommand).resolves({ Status: 'InService', UserProfileArn: spelled });
    const response = await call({ token: tokenFor('alice') });
    expect(response.statusCode).toBe(200);
    expect(sagemaker.commandCalls(ListTagsCommand).map((c) => c.args[0].input.ResourceArn)).toEqual([
      profileArn('alice'),
      spelled,
    ]);
  });

  it('remembers a grant: a repeat caller within the TTL costs one call, a refusal is never remembered', async () => {
    // The clock runs with real time (the tokens are minted with it), moved on by `skipped`: a
    // frozen clock lagged behind tokens minted seconds later on a loaded machine, which read as not yet valid.
    let skipped = 0;
    fakeSageMaker();
    const app = buildStudioUrlApp(jwtEnv({ PROFILE_CACHE_TTL_SECONDS: '10' }), {
      jwksFetcher: fetcher,
      sagemakerClient: new SageMakerClient({ region: 'eu-west-1' }),
      clock: () => Date.now() + skipped,
    });
    const handler = studioUrlHandler(() => app, { record: () => undefined, problem: () => undefined });
    const ask = async (person: string) =>
      (await handler(privateApiEvent({ token: tokenFor(person) }), lambdaContext())) as APIGatewayProxyResult;
    expect((await ask('alice')).statusCode).toBe(200);
    expect((await ask('alice')).statusCode).toBe(200);
    expect(sagemaker.commandCalls(DescribeUserProfileCommand)).toHaveLength(1);
    expect(sagemaker.commandCalls(CreatePresignedDomainUrlCommand)).toHaveLength(2);
    // A refusal is re-checked every time.
    expect((await ask('bob')).statusCode).toBe(409);
    expect((await ask('bob')).statusCode).toBe(409);
    expect(sagemaker.commandCalls(DescribeUserProfileCommand)).toHaveLength(3);
    // After the TTL the grant is checked again, and a profile re-tagged meanwhile is refused.
    skipped += 10_001;
    fakeSageMaker(() => 'mallory@example.com');
    expect((await ask('alice')).statusCode).toBe(403);
  });

  it('reads the owner tag of exactly the profile it will open', async () => {
    const { call } = setup();
    await call({ token: tokenFor('alice') });
    expect(sagemaker).toHaveReceivedCommandWith(ListTagsCommand, { ResourceArn: profileArn('alice') });
  });

  it('refuses a DescribeUserProfile answer naming another profile’s ARN (502)', async () => {
    const { call, audit } = setup();
    sagemaker.on(DescribeUserProfileCommand).resolves({ Status: 'InService', UserProfileArn: profileArn('erin') });
    const response = await call({ token: tokenFor('alice') });
    expect(response.statusCode).toBe(502);
    expect(audit.entries[0]?.reason).toBe('profile-arn-unexpected');
    expect(sagemaker).not.toHaveReceivedCommand(ListTagsCommand);
  });

  it('skips the owner check only with PROFILE_OWNER_CHECK=off', async () => {
    const { call } = setup(jwtEnv({ PROFILE_OWNER_CHECK: 'off' }), undefined, () => undefined);
    expect((await call({ token: tokenFor('alice') })).statusCode).toBe(200);
    expect(sagemaker).not.toHaveReceivedCommand(ListTagsCommand);
  });

  it('answers a space the profile lacks with 404 space_not_found', async () => {
    const { call, audit } = setup();
    sagemaker
      .on(CreatePresignedDomainUrlCommand)
      .rejects(Object.assign(new Error('Space not found'), { name: 'ResourceNotFound', $metadata: { httpStatusCode: 400 } }));
    const response = await call({ token: tokenFor('alice'), query: { space: ['nope'] } });
    expect(response.statusCode).toBe(404);
    expect(body(response).code).toBe('space_not_found');
    expect(audit.entries[0]?.reason).toBe('space-not-found');
  });

  it('echoes only a short, plain parameter name in a 400', async () => {
    const { call } = setup();
    const long = 'x'.repeat(100_000);
    const response = await call({ token: tokenFor('alice'), query: { [long]: ['1'] } });
    expect(response.statusCode).toBe(400);
    expect(response.body.length).toBeLessThan(300);
    expect(body(response)).not.toHaveProperty('parameter');
    const odd = await call({ token: tokenFor('alice'), query: { '<script>': ['1'] } });
    expect(body(odd)).not.toHaveProperty('parameter');
    const plain = await call({ token: tokenFor('alice'), query: { user: ['bob'] } });
    expect(body(plain).parameter).toBe('user');
  });

  it('ends a SageMaker call that never returns at the request deadline: 504 and an audit line', async () => {
    const env = jwtEnv({
      SAGEMAKER_CONNECT_TIMEOUT_MS: '50',
      SAGEMAKER_REQUEST_TIMEOUT_MS: '100',
      SAGEMAKER_MAX_ATTEMPTS: '1',
      JWKS_TIMEOUT_MS: '100',
      FUNCTION_TIMEOUT_SECONDS: '5',
    });
    const { call, audit } = setup(env);
    // A mock that ignores the abort signal: only the deadline's race can end the request.
    sagemaker.on(DescribeUserProfileCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    const response = await call({ token: tokenFor('alice') });
    const elapsed = Date.now() - started;
    expect(response.statusCode).toBe(504);
    // deadline = 100 JWKS + 2 calls one after the other (no STUDIO_ACCOUNT_ID) × 150 ms = 400 ms.
    // The upper bound only tells the deadline from the function's own end (5 s less the 500 ms
    // margin): wide, so that a loaded CI machine does not fail it (a 600 ms bound elsewhere did).
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(4000);
    expect(audit.entries).toEqual([expect.objectContaining({ decision: 'error', reason: 'request-deadline', status: 504 })]);
  });

  it('fails closed with a bare 500 when the configuration is invalid', async () => {
    const { call, audit } = setup(jwtEnv({ ALLOWED_VPCE_IDS: undefined }));
    const response = await call({ token: tokenFor('alice') });
    expect(response.statusCode).toBe(500);
    expect(body(response)).toEqual({
      type: 'urn:studio-gate:problem:internal_error',
      title: 'Internal error',
      status: 500,
      code: 'internal_error',
    });
    expect(audit.entries[0]).toMatchObject({ decision: 'error', reason: 'configuration-invalid' });
    expect(sagemaker).not.toHaveReceivedCommand(DescribeUserProfileCommand);
  });

  it('writes audit lines with no URL, token or bearer value (stdout captured)', async () => {
    fakeSageMaker();
    const app = buildStudioUrlApp(jwtEnv(), {
      jwksFetcher: fetcher,
      sagemakerClient: new SageMakerClient({ region: 'eu-west-1' }),
    });
    const handler = studioUrlHandler(() => app, new JsonLineAuditLog());
    const tokens = ['alice', 'bob', 'dave', 'mallory'].map((p) => tokenFor(p));
    const { output } = await captureOutput(async () => {
      for (const token of tokens) {
        await handler(privateApiEvent({ token, query: { redirect: ['true'] } }), lambdaContext());
        await handler(privateApiEvent({ token }), lambdaContext());
      }
    });
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(8);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ message: 'studio-url.audit', audit: expect.any(Object) });
    expect(leaksIn(output, [...tokens, 'SECRET-'])).toEqual([]);
  });
});

describe('GET /studio-url handler (iam mode)', () => {
  const arn = (who: string) => `arn:aws:sts::111122223333:assumed-role/StudioUsers/${who}`;

  it('takes the profile from the session name of a trusted role', async () => {
    const { call } = setup(iamEnv(), undefined, iamOwnerTag);
    const response = await call({ token: null, identity: { userArn: arn('alice') } });
    expect(response.statusCode).toBe(200);
    expect(body(response).userProfileName).toBe('alice');
  });

  it('ignores a bearer token in iam mode', async () => {
    const { call } = setup(iamEnv(), undefined, iamOwnerTag);
    const response = await call({ token: tokenFor('bob'), identity: { userArn: arn('alice') } });
    expect(body(response).userProfileName).toBe('alice');
  });

  it('refuses a session name that folds onto another person’s profile under the transform', async () => {
    const { call, audit } = setup(iamEnv({ PROFILE_TRANSFORM: 'lowercase' }), undefined, iamOwnerTag);
    const response = await call({ token: null, identity: { userArn: arn('ALICE') } });
    expect(response.statusCode).toBe(403);
    expect(audit.entries[0]).toMatchObject({ reason: 'profile-owner-mismatch', userProfileName: 'alice' });
    expect(JSON.stringify(response)).not.toContain('SECRET-');
  });

  it.each<[string, string | null, number, string]>([
    ['no principal', null, 401, 'iam-principal-missing'],
    ['another account', 'arn:aws:sts::444455556666:assumed-role/StudioUsers/alice', 403, 'iam-account-not-allowed'],
    ['another role', 'arn:aws:sts::111122223333:assumed-role/Admins/alice', 403, 'iam-role-not-allowed'],
    ['the account root', 'arn:aws:iam::111122223333:root', 403, 'iam-principal-unsupported'],
    [
      'a look-alike session name on the same profile',
      'arn:aws:sts::111122223333:assumed-role/StudioUsers/alice.',
      403,
      'profile-name-invalid',
    ],
  ])('refuses %s', async (_what, userArn, status, reason) => {
    const { call, audit } = setup(iamEnv(), undefined, iamOwnerTag);
    const response = await call({ token: null, identity: { userArn } });
    expect(response.statusCode).toBe(status);
    if (status === 401) expect(response.headers?.['WWW-Authenticate']).toBe('AWS4-HMAC-SHA256');
    expect(audit.entries[0]).toMatchObject({ reason });
  });
});
