import { parseHealthCheckConfig, parseHealthEndpointConfig } from '../../src/config/health';
import { parseConfig } from '../../src/config/studio-url';
import type { ConfigurationError } from '../../src/domain/errors';
import { API_GATEWAY_TIMEOUT_SECONDS, BUDGET_MARGIN_MS, worstCaseUpstreamMs } from '../../src/domain/time-budget';
import { localHealthPlan } from '../../src/infrastructure/health-plan';
import { iamEnv, jwtEnv, problemsFrom } from '../support/env';

function problemsOf(env: Record<string, string | undefined>): string[] {
  return [...problemsFrom(() => parseConfig(env))];
}

describe('parseConfig', () => {
  it('reads a complete jwt-mode environment', () => {
    const config = parseConfig(jwtEnv());
    expect(config).toMatchObject({
      region: 'eu-west-1',
      domains: [{ id: 'd-localdemo', region: 'eu-west-1', label: 'd-localdemo', entitled: { kind: 'any' } }],
      auth: {
        mode: 'jwt',
        issuer: 'http://127.0.0.1:4600',
        audience: ['studio-gate'],
        profileClaim: 'email',
        requiredGroups: { kind: 'only', values: ['studio-users'] },
        clockSkewSeconds: 0,
        requireEmailVerified: true,
        email: { required: true, allowedDomains: ['example.com'] },
      },
      urlExpiresInSeconds: 60,
      sessionExpiresInSeconds: 43200,
      upstream: { connectTimeoutMs: 500, requestTimeoutMs: 1000, maxAttempts: 3 },
      owner: { check: 'on', tagKey: 'studio-gate:owner' },
      requestDeadlineMs: 11100,
      sagemakerCallMode: 'parallel',
      grantCacheTtlSeconds: 15,
    });
    expect(config.profile.transform).toEqual(['email-local-part', 'lowercase', 'dots-to-dashes']);
  });

  it('returns a frozen object', () => {
    const config = parseConfig(jwtEnv());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.auth)).toBe(true);
    expect(Object.isFrozen(config.source.vpceIds)).toBe(true);
  });

  it('reads a complete iam-mode environment', () => {
    expect(parseConfig(iamEnv()).auth).toEqual({
      mode: 'iam',
      allowedAccounts: ['111122223333'],
      allowedRoles: { kind: 'only', values: ['111122223333:StudioUsers'] },
      allowedUsers: { kind: 'only', values: ['111122223333:alice'] },
      sessionNameRoles: ['111122223333:StudioUsers'],
      email: { required: false },
    });
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ AWS_REGION: 'eu-west-1', AUTH_MODE: 'jwt' });
    expect(problems).toEqual(
      expect.arrayContaining([
        'Environment variable STUDIO_DOMAIN_ID is required',
        'Environment variable JWT_ISSUER is required',
        'Environment variable JWT_AUDIENCE is required in jwt mode',
        'Environment variable JWT_JWKS_URI is required',
        expect.stringContaining('REQUIRED_GROUPS is required'),
        expect.stringContaining('ALLOWED_VPCE_IDS is required'),
        expect.stringContaining('ALLOWED_VPC_IDS is required'),
        expect.stringContaining('ALLOWED_SOURCE_CIDRS is required'),
        'Environment variable FUNCTION_TIMEOUT_SECONDS is required',
      ]),
    );
  });

  it.each([
    ['AUTH_MODE', 'basic', 'AUTH_MODE must be one of jwt, iam'],
    ['STUDIO_DOMAIN_ID', 'D-UPPER', 'STUDIO_DOMAIN_ID must be a Studio domain id'],
    ['AWS_REGION', 'europe', 'AWS_REGION must be an AWS region'],
    ['URL_EXPIRES_IN_SECONDS', '301', 'URL_EXPIRES_IN_SECONDS must be a whole number from 5 to 300'],
    ['URL_EXPIRES_IN_SECONDS', '4', 'URL_EXPIRES_IN_SECONDS must be a whole number from 5 to 300'],
    ['URL_EXPIRES_IN_SECONDS', '1e2', 'URL_EXPIRES_IN_SECONDS must be a whole number from 5 to 300'],
    ['SESSION_EXPIRES_IN_SECONDS', '1799', 'SESSION_EXPIRES_IN_SECONDS must be a whole number from 1800 to 43200'],
    ['SESSION_EXPIRES_IN_SECONDS', '43201', 'SESSION_EXPIRES_IN_SECONDS must be a whole number from 1800 to 43200'],
    ['JWT_JWKS_URI', 'http://idp.example.com/jwks', 'JWT_JWKS_URI must use https'],
    ['JWT_JWKS_URI', 'not a url', 'JWT_JWKS_URI must be a URL'],
    ['LOCAL_STUDIO_ORIGIN', 'https://studio.example.com', 'LOCAL_STUDIO_ORIGIN must be a loopback origin'],
    ['LOCAL_STUDIO_ORIGIN', 'http://127.0.0.1:4599/auth', 'LOCAL_STUDIO_ORIGIN must be an origin only'],
    ['ALLOWED_SOURCE_CIDRS', '198.51.100.7/24', 'host bits set'],
    ['ALLOWED_SOURCE_CIDRS', '198.51.100.0', 'missing /prefix'],
    ['ALLOWED_SOURCE_CIDRS', '*,198.51.100.0/24', '* must stand alone'],
    ['ALLOWED_VPCE_IDS', 'vpc-123', 'is not a VPC endpoint id'],
    ['ALLOWED_VPC_IDS', 'vpce-123', 'is not a VPC id'],
    ['PROFILE_TRANSFORM', 'uppercase', 'unknown step "uppercase"'],
    ['PROFILE_MAP', '["alice"]', 'PROFILE_MAP must be a JSON object'],
    ['PROFILE_MAP', '{"alice@example.com": "../bob"}', 'maps to an invalid profile name'],
    ['PROFILE_MAP', '{"alice@example.com":"alice","alice@example.com":"bob"}', '"alice@example.com" is listed more than once'],
    ['PROFILE_MAP', '{"Alice@example.com":"alice"}', 'is not canonical (write "alice@example.com")'],
    ['PROFILE_MAP', '{"alice":"alice"}', 'is not an email address, so it can never match'],
    ['PROFILE_MAP', '{"alice@evil.example":"alice"}', 'is of a domain not in ALLOWED_EMAIL_DOMAINS'],
    ['PROFILE_MAP', '{"\u0430lice@example.com":"alice"}', 'is not printable ASCII'],
    ['PROFILE_MAP', '{"alice@example.com":"ds","bob@example.com":"ds"}', 'both map to profile "ds"'],
    ['PROFILE_MAP', '{"alice@example.com":7}', 'every value must be a profile name'],
    ['ALLOWED_EMAIL_DOMAINS', undefined, 'ALLOWED_EMAIL_DOMAINS is required when PROFILE_TRANSFORM uses email-local-part'],
    ['ALLOWED_EMAIL_DOMAINS', '*', '"*" is not a domain name'],
    ['ALLOWED_EMAIL_DOMAINS', '*.example.com', 'is not a domain name'],
    ['ALLOWED_EMAIL_DOMAINS', ',', 'ALLOWED_EMAIL_DOMAINS lists no domain'],
    ['JWT_REQUIRE_EMAIL_VERIFIED', 'no', 'JWT_REQUIRE_EMAIL_VERIFIED must be true or false'],
    ['JWT_GROUPS_DELIMITER', 'xx', 'JWT_GROUPS_DELIMITER must be'],
    ['PROFILE_OWNER_CHECK', 'false', 'PROFILE_OWNER_CHECK must be on or off'],
    ['PROFILE_OWNER_TAG', 'aws:owner', 'PROFILE_OWNER_TAG must be a tag key'],
    ['ALLOWED_SOURCE_CIDRS', '0.0.0.0/0', 'covers the whole IPv4 address space'],
    ['ALLOWED_SOURCE_CIDRS', '0.0.0.0/1,128.0.0.0/1', 'covers the whole IPv4 address space'],
    ['ALLOWED_SOURCE_CIDRS', '::0/0', 'covers the whole IPv6 address space'],
    ['ALLOWED_SOURCE_CIDRS', '0.0.0.0/00', 'is not a CIDR block'],
    ['ALLOWED_SOURCE_CIDRS', '999.1.1.1/99', 'is not a CIDR block'],
    ['FUNCTION_TIMEOUT_SECONDS', '29', "below API Gateway's 29 s"],
    ['FUNCTION_TIMEOUT_SECONDS', '10', 'does not fit FUNCTION_TIMEOUT_SECONDS=10'],
    ['JWT_CLOCK_SKEW_SECONDS', '301', 'JWT_CLOCK_SKEW_SECONDS must be a whole number from 0 to 300'],
    ['JWT_MAX_LIFETIME_SECONDS', '59', 'JWT_MAX_LIFETIME_SECONDS must be a whole number from 60 to 604800'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(problemsOf(jwtEnv({ [name]: value }))).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['IAM_ALLOWED_ACCOUNTS', undefined, 'IAM_ALLOWED_ACCOUNTS is required'],
    ['IAM_ALLOWED_ACCOUNTS', '1234', 'is not a 12-digit account id'],
    ['IAM_ALLOWED_ROLES', undefined, 'IAM_ALLOWED_ROLES is required'],
    ['IAM_ALLOWED_USERS', undefined, 'IAM_ALLOWED_USERS is required'],
    ['IAM_ALLOWED_ACCOUNTS', '*', '"*" is not a 12-digit account id (no wildcards)'],
    ['IAM_ALLOWED_ROLES', 'StudioUsers', '"StudioUsers" is not account-qualified'],
    ['IAM_ALLOWED_ROLES', '*:StudioUsers', 'is not account-qualified'],
    ['IAM_ALLOWED_ROLES', '444455556666:StudioUsers', 'is of an account not in IAM_ALLOWED_ACCOUNTS'],
    ['IAM_ALLOWED_USERS', 'alice', '"alice" is not account-qualified'],
    ['IAM_ALLOWED_USERS', 'arn:aws:iam::111122223333:role/alice', 'is not account-qualified'],
    ['IAM_SESSION_NAME_ROLES', 'StudioUsers', 'IAM_SESSION_NAME_ROLES: "StudioUsers" is not account-qualified'],
    ['IAM_SESSION_NAME_ROLES', '444455556666:StudioUsers', 'is of an account not in IAM_ALLOWED_ACCOUNTS'],
    ['PROFILE_MAP', '{"alice":"alice"}', 'is not <account>:user/<name>'],
    ['PROFILE_MAP', '{"444455556666:user/alice":"alice"}', 'is of an account not in IAM_ALLOWED_ACCOUNTS'],
  ])('refuses iam mode with %s=%p', (name, value, message) => {
    expect(problemsOf(iamEnv({ [name]: value }))).toEqual([expect.stringContaining(message)]);
  });

  it('keeps an explicitly empty allow-list as "allow nothing", not as "unset"', () => {
    const config = parseConfig(jwtEnv({ ALLOWED_VPCE_IDS: '' }));
    expect(config.source.vpceIds).toEqual({ kind: 'only', values: [] });
  });

  it('allows any value only with an explicit *', () => {
    expect(parseConfig(jwtEnv({ ALLOWED_VPC_IDS: '*' })).source.vpcIds).toEqual({ kind: 'any' });
  });

  it('reads a profile map', () => {
    const config = parseConfig(jwtEnv({ PROFILE_MAP: '{"alice@example.com":"alice-ds"}' }));
    expect(config.profile.map.get('alice@example.com')).toBe('alice-ds');
  });

  it('reads iam-mode map keys and principals in both spellings', () => {
    const config = parseConfig(
      iamEnv({
        IAM_ALLOWED_ROLES: 'arn:aws:iam::111122223333:role/sso/StudioUsers,111122223333:Admins',
        PROFILE_MAP: '{"111122223333:role/Admins":"admins","111122223333:user/alice":"alice-ds"}',
      }),
    );
    expect(config.auth).toMatchObject({ allowedRoles: { values: ['111122223333:StudioUsers', '111122223333:Admins'] } });
    expect(config.profile.map.get('111122223333:role/Admins')).toBe('admins');
  });

  it('switches the owner check off only when told so, and keeps email_verified on unless switched off', () => {
    expect(parseConfig(jwtEnv({ PROFILE_OWNER_CHECK: 'off' })).owner).toEqual({ check: 'off', tagKey: 'studio-gate:owner' });
    expect(parseConfig(jwtEnv({ PROFILE_OWNER_CHECK: '' })).owner).toEqual({ check: 'on', tagKey: 'studio-gate:owner' });
    expect(parseConfig(jwtEnv({ PROFILE_OWNER_TAG: 'owner' })).owner).toEqual({ check: 'on', tagKey: 'owner' });
    expect(parseConfig(jwtEnv({ JWT_REQUIRE_EMAIL_VERIFIED: 'false' })).auth).toMatchObject({ requireEmailVerified: false });
    expect(
      parseConfig(jwtEnv({ JWT_PROFILE_CLAIM: 'sub', PROFILE_TRANSFORM: '', ALLOWED_EMAIL_DOMAINS: '' })).auth,
    ).toMatchObject({
      // Asked only of values that are addresses (jwtIdentity), and then whatever the claim is called.
      requireEmailVerified: true,
      email: { required: false },
    });
  });

  it('reads ALLOWED_EMAIL_DOMAINS lower-cased, exact', () => {
    expect(parseConfig(jwtEnv({ ALLOWED_EMAIL_DOMAINS: 'Example.com, corp.example.org' })).auth).toMatchObject({
      email: { allowedDomains: ['example.com', 'corp.example.org'] },
    });
  });

  it('takes a string groups claim as one group unless JWT_GROUPS_DELIMITER says otherwise', () => {
    expect(parseConfig(jwtEnv()).auth).not.toHaveProperty('groupsDelimiter');
    expect(parseConfig(jwtEnv({ JWT_GROUPS_DELIMITER: 'space' })).auth).toMatchObject({ groupsDelimiter: ' ' });
    expect(parseConfig(jwtEnv({ JWT_GROUPS_DELIMITER: ',' })).auth).toMatchObject({ groupsDelimiter: ',' });
  });
});

describe('worstCaseUpstreamMs', () => {
  it('keeps the default budget under the default function timeout, and that under API Gateway’s 29 s', () => {
    const config = parseConfig(jwtEnv());
    const auth = config.auth as { jwksTimeoutMs: number };
    const worst = worstCaseUpstreamMs(config.upstream, auth.jwksTimeoutMs);
    // 1 500 JWKS + 3 calls × (3 × (500 + 1 000) + 100 + 200): the sequential worst case, the largest
    expect(worst).toBe(15900);
    expect(worst + BUDGET_MARGIN_MS).toBeLessThan(config.functionTimeoutSeconds * 1000);
    expect(config.functionTimeoutSeconds).toBeLessThan(API_GATEWAY_TIMEOUT_SECONDS);
  });

  it('adds attempts × timeouts and the capped backoff for each SageMaker call, plus the JWKS fetch', () => {
    const upstream = { connectTimeoutMs: 500, requestTimeoutMs: 1500, maxAttempts: 3, backoffBaseMs: 100, backoffCapMs: 150 };
    // per call: 3 × 2000 + (100 + min(150, 200)) = 6250; three calls (two without the owner check) + 1500 JWKS
    expect(worstCaseUpstreamMs(upstream, 1500)).toBe(1500 + 3 * 6250);
    expect(worstCaseUpstreamMs(upstream, 1500, 2)).toBe(1500 + 2 * 6250);
  });

  it.each([
    ['sequential', 'on', undefined, 3],
    ['sequential', 'off', undefined, 2],
    ['parallel', 'on', undefined, 2],
    ['parallel', 'on', '111122223333', 1],
    ['parallel', 'off', undefined, 1],
  ])(
    'budgets, in the %s mode with the owner check %s and STUDIO_ACCOUNT_ID=%p, %i calls one after the other',
    (mode, check, account, calls) => {
      const config = parseConfig(jwtEnv({ SAGEMAKER_CALL_MODE: mode, PROFILE_OWNER_CHECK: check, STUDIO_ACCOUNT_ID: account }));
      expect(config.requestDeadlineMs).toBe(1500 + calls * 4800);
    },
  );

  it.each([
    ['SAGEMAKER_CALL_MODE', 'fast', 'SAGEMAKER_CALL_MODE must be parallel or sequential'],
    ['STUDIO_ACCOUNT_ID', '1234', 'STUDIO_ACCOUNT_ID must be a 12-digit account id'],
    ['PROFILE_CACHE_TTL_SECONDS', '31', 'PROFILE_CACHE_TTL_SECONDS must be a whole number from 0 to 30'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(() => parseConfig(jwtEnv({ [name]: value }))).toThrow(message);
  });
});

it.each(['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT'])(
  'refuses %s=true: the own STS, EC2, SSM and DynamoDB calls would not follow it (never half on FIPS)',
  (name) => {
    expect(() => parseConfig(jwtEnv({ [name]: 'true' }))).toThrow(new RegExp(`${name} is not supported`));
    expect(() => parseConfig(jwtEnv({ [name]: 'false' }))).not.toThrow();
  },
);

it('refuses AWS_ENDPOINT_URL: one endpoint for every service would bypass the per-service interface-endpoint checks', () => {
  expect(() => parseConfig(jwtEnv({ AWS_ENDPOINT_URL: 'https://198.51.100.7' }))).toThrow(/AWS_ENDPOINT_URL is not read/);
});

it('refuses AWS_USE_FIPS_ENDPOINT=true for GET /health too (its DynamoDB read is an own call)', () => {
  const env = {
    AWS_REGION: 'eu-west-1',
    HEALTH_TABLE_NAME: 'studio-gate-test',
    HEALTH_INTERVAL_MINUTES: '5',
    ALLOWED_VPCE_IDS: '*',
    ALLOWED_VPC_IDS: '*',
    ALLOWED_SOURCE_CIDRS: '198.51.100.0/24',
  };
  expect(() => parseHealthEndpointConfig(env)).not.toThrow();
  expect(() => parseHealthEndpointConfig({ ...env, AWS_USE_FIPS_ENDPOINT: 'true' })).toThrow(
    /AWS_USE_FIPS_ENDPOINT is not supported/,
  );
  expect(() => parseHealthEndpointConfig({ ...env, AWS_ENDPOINT_URL: 'https://198.51.100.7' })).toThrow(
    /AWS_ENDPOINT_URL is not read/,
  );
});

describe('AWS endpoints: only interface endpoints of the right service in the right region (loopback on the local stack)', () => {
  const VPCE = 'https://vpce-0123456789abcdef0-abcdefgh';
  const SAGEMAKER = `${VPCE}.api.sagemaker.eu-west-1.vpce.amazonaws.com`;
  // Documentation-range and reserved names, as data only: nothing here is ever called.
  const UNCHECKED = [
    ['plain http', 'http://vpce.example.com'],
    ['the public endpoint', 'https://api.sagemaker.eu-west-1.amazonaws.com'],
    ['another region', `${VPCE}.api.sagemaker.eu-central-1.vpce.amazonaws.com`],
    ['another service', `${VPCE}.ssm.eu-west-1.vpce.amazonaws.com`],
    ['any other host', 'https://api.sagemaker.attacker.invalid'],
    ['an address', 'https://203.0.113.9'],
  ];

  it.each(UNCHECKED)('studio-url refuses AWS_ENDPOINT_URL_SAGEMAKER at %s', (_what, url) => {
    expect(() => parseConfig(jwtEnv({ AWS_ENDPOINT_URL_SAGEMAKER: url }))).toThrow(
      /AWS_ENDPOINT_URL_SAGEMAKER must be the endpoint-specific DNS name of a SageMaker API interface endpoint in eu-west-1/,
    );
  });

  it('studio-url takes the interface endpoint, and loopback only on the local stack', () => {
    expect(parseConfig(jwtEnv({ AWS_ENDPOINT_URL_SAGEMAKER: SAGEMAKER })).domains[0]?.sagemakerEndpointUrl).toBe(SAGEMAKER);
    expect(() => parseConfig(jwtEnv({ AWS_ENDPOINT_URL_SAGEMAKER: 'http://127.0.0.1:4599' }))).toThrow(
      /AWS_ENDPOINT_URL_SAGEMAKER/,
    );
    const local = { AWS_ENDPOINT_URL_SAGEMAKER: 'http://127.0.0.1:4599', LOCAL_STUDIO_ORIGIN: 'http://127.0.0.1:4599' };
    expect(parseConfig(jwtEnv(local)).domains[0]?.sagemakerEndpointUrl).toBe('http://127.0.0.1:4599');
  });

  const store = { AWS_REGION: 'eu-west-1', HEALTH_TABLE_NAME: 'studio-gate-test', METRICS_SERVICE: 'studio-gate-test' };
  const plan = (domain: Record<string, string>) =>
    JSON.stringify({
      region: 'eu-west-1',
      checkTimeoutMs: 1000,
      dns: { servers: [], privateRanges: ['10.0.0.0/8'], names: [] },
      domains: [{ domainId: 'd-abc123', region: 'eu-west-1', ...domain }],
    });

  it.each(UNCHECKED)(
    'health-check refuses its SageMaker, STS and DynamoDB endpoints and a planned domain’s at %s',
    (_what, url) => {
      const problems = (env: Record<string, string>) => {
        try {
          parseHealthCheckConfig({ ...store, HEALTH_PLAN: plan({}), ...env });
          return [];
        } catch (error) {
          return (error as ConfigurationError).problems;
        }
      };
      expect(problems({ AWS_ENDPOINT_URL_SAGEMAKER: url }).join('\n')).toMatch(
        /AWS_ENDPOINT_URL_SAGEMAKER must be the endpoint-specific/,
      );
      expect(problems({ AWS_ENDPOINT_URL_STS: url }).join('\n')).toMatch(
        /AWS_ENDPOINT_URL_STS must be the endpoint-specific DNS name of an STS/,
      );
      expect(problems({ AWS_ENDPOINT_URL_DYNAMODB: url }).join('\n')).toMatch(
        /AWS_ENDPOINT_URL_DYNAMODB must be the endpoint-specific DNS name of a DynamoDB/,
      );
      expect(problems({ HEALTH_PLAN: plan({ endpointUrl: url }) }).join('\n')).toMatch(
        /plan\.domains\[0\]\.endpointUrl must be the endpoint-specific/,
      );
    },
  );

  it('health-check takes the local stack’s plan (probes, its resolver, loopback ranges) only with the local-stack flag', () => {
    const local = localHealthPlan({
      region: 'eu-west-1',
      domainId: 'd-abc123',
      emulatorUrl: 'http://127.0.0.1:4599',
      jwksUrl: 'http://127.0.0.1:4600/.well-known/jwks.json',
      dnsServer: '127.0.0.1:9001',
    });
    const env = { ...store, HEALTH_PLAN: JSON.stringify(local) };
    expect(() => parseHealthCheckConfig({ ...env, LOCAL_STUDIO_ORIGIN: 'http://127.0.0.1:4599' })).not.toThrow();
    expect(problemsFrom(() => parseHealthCheckConfig(env))).toEqual([
      'HEALTH_PLAN: plan.probes is for the local stack only',
      'HEALTH_PLAN: plan.dns.servers is for the local stack only (a deployed run asks the VPC resolver)',
      "HEALTH_PLAN: plan.dns.privateRanges[0] covers this machine's own addresses (local stack only)",
      "HEALTH_PLAN: plan.dns.privateRanges[1] covers this machine's own addresses (local stack only)",
    ]);
    // A hand-edited plan of a deployed run: another TLS port, a name of this machine, a range around it.
    const edited = JSON.parse(plan({})) as Record<string, unknown>;
    const hostile = {
      ...edited,
      tlsPort: 9001,
      dns: { servers: [], privateRanges: ['10.0.0.0/8', '0.0.0.0/0'], names: [{ name: 'x', host: 'localhost', tls: true }] },
    };
    expect(problemsFrom(() => parseHealthCheckConfig({ ...store, HEALTH_PLAN: JSON.stringify(hostile) }))).toEqual([
      'HEALTH_PLAN: plan.tlsPort must be 443 outside the local stack',
      "HEALTH_PLAN: plan.dns.privateRanges[1] covers this machine's own addresses (local stack only)",
      'HEALTH_PLAN: plan.dns.names[0].host names this machine (local stack only)',
    ]);
  });

  it('health-check and GET /health take interface endpoints, and loopback only on the local stack', () => {
    const LOCAL = { LOCAL_STUDIO_ORIGIN: 'http://127.0.0.1:4599' };
    const interfaces = {
      ...store,
      HEALTH_PLAN: plan({ endpointUrl: SAGEMAKER }),
      AWS_ENDPOINT_URL_SAGEMAKER: SAGEMAKER,
      AWS_ENDPOINT_URL_STS: `${VPCE}.sts.eu-west-1.vpce.amazonaws.com`,
      AWS_ENDPOINT_URL_DYNAMODB: `${VPCE}.dynamodb.eu-west-1.vpce.amazonaws.com`,
    };
    expect(() => parseHealthCheckConfig(interfaces)).not.toThrow();
    const endpoint = { ...store, ALLOWED_VPCE_IDS: '*', ALLOWED_VPC_IDS: '*', ALLOWED_SOURCE_CIDRS: '198.51.100.0/24' };
    expect(() =>
      parseHealthEndpointConfig({ ...endpoint, AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.attacker.invalid' }),
    ).toThrow(/AWS_ENDPOINT_URL_DYNAMODB must be the endpoint-specific DNS name of a DynamoDB interface endpoint in eu-west-1/);

    // Loopback: the local stack's emulator and dynalite, or, on Lambda, the Runtime API (9001) and extensions.
    const loopback = {
      AWS_ENDPOINT_URL_SAGEMAKER: 'http://127.0.0.1:9001',
      AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9001',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:9001',
    };
    const planned = plan({ endpointUrl: 'http://[::1]:9001' });
    expect(() => parseHealthCheckConfig({ ...store, HEALTH_PLAN: planned, ...loopback, ...LOCAL })).not.toThrow();
    expect(() =>
      parseHealthEndpointConfig({ ...endpoint, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4601', ...LOCAL }),
    ).not.toThrow();
    const refused = (parse: () => unknown) => problemsFrom(parse).map((p) => p.split(' ')[0]);
    expect(refused(() => parseHealthCheckConfig({ ...store, HEALTH_PLAN: planned, ...loopback }))).toEqual([
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_SAGEMAKER',
      'AWS_ENDPOINT_URL_STS',
      'HEALTH_PLAN:',
    ]);
    expect(refused(() => parseHealthEndpointConfig({ ...endpoint, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4601' }))).toEqual(
      ['AWS_ENDPOINT_URL_DYNAMODB'],
    );
    // The flag itself must be a loopback origin: any other value refuses the start, and is no flag.
    expect(
      refused(() =>
        parseHealthEndpointConfig({
          ...endpoint,
          AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4601',
          LOCAL_STUDIO_ORIGIN: 'https://studio.example.com',
        }),
      ),
    ).toEqual(['LOCAL_STUDIO_ORIGIN', 'AWS_ENDPOINT_URL_DYNAMODB']);
  });
});
