/**
 * The SageMaker client studio-gate builds: its settings are studio-gate's, whatever ~/.aws files or
 * AWS_* variables a machine carries (a real client, nothing mocked; the request is caught before it leaves).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeUserProfileCommand } from '@aws-sdk/client-sagemaker';
import { createSageMakerClient } from '../../../src/adapters/sagemaker-studio';

describe('createSageMakerClient', () => {
  const HOSTILE = {
    use_fips_endpoint: 'true',
    use_dualstack_endpoint: 'true',
    max_attempts: '9',
    auth_scheme_preference: 'sigv4a',
    sdk_ua_app_id: 'from-a-file',
    disable_clock_skew_correction: 'true',
    // Documentation range, as data only: the request is caught before anything is sent.
    endpoint_url: 'https://203.0.113.9',
  };
  let dir: string;
  const saved = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'studio-gate-aws-'));
    const profile = Object.entries(HOSTILE).map(([k, v]) => `${k} = ${v}`);
    writeFileSync(join(dir, 'config'), ['[default]', ...profile, ''].join('\n'));
    writeFileSync(join(dir, 'credentials'), ['[default]', ...profile, ''].join('\n'));
    Object.assign(process.env, {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_MAX_ATTEMPTS: '9',
      AWS_AUTH_SCHEME_PREFERENCE: 'sigv4a',
      AWS_SDK_UA_APP_ID: 'from-the-environment',
      AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'true',
      AWS_ENDPOINT_URL: 'https://198.51.100.7',
    });
  });

  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('decides its settings itself: neither ~/.aws files nor AWS_* variables change how SageMaker is called', async () => {
    const upstream = { connectTimeoutMs: 500, requestTimeoutMs: 1000, maxAttempts: 2, backoffBaseMs: 100, backoffCapMs: 400 };
    const client = createSageMakerClient(
      { region: 'eu-west-1', upstream },
      { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    );
    const { config } = client;
    expect({
      fips: await config.useFipsEndpoint(),
      dualStack: await config.useDualstackEndpoint(),
      maxAttempts: await config.maxAttempts(),
      authSchemePreference: await config.authSchemePreference?.(),
      appId: await config.userAgentAppId(),
      skewCorrectionOff: await config.disableClockSkewCorrection(),
    }).toEqual({
      fips: false,
      dualStack: false,
      maxAttempts: 2,
      authSchemePreference: [],
      appId: undefined,
      skewCorrectionOff: false,
    });
    // Where a request would go, caught after signing and before anything leaves: the plain regional endpoint.
    const hosts: string[] = [];
    client.middlewareStack.add(
      () => async (args) => {
        hosts.push((args.request as { hostname: string }).hostname);
        throw new Error('caught before sending');
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    await expect(client.send(new DescribeUserProfileCommand({ DomainId: 'd-abc123', UserProfileName: 'alice' }))).rejects.toThrow(
      'caught before sending',
    );
    expect(hosts).toEqual(['api.sagemaker.eu-west-1.amazonaws.com']);
  });
});
