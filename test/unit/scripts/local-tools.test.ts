/**
 * The local tools' command lines: where the stack's ports come from (flags win over variables,
 * nothing below 1024 or shared), and what `npm run token` asks the local issuer for.
 */
import { createServer } from 'node:net';
import { busyPorts, DEFAULT_PORTS, stackPortsFrom } from '../../../scripts/local/stack-ports';
import { requestedToken } from '../../../scripts/local/token-issuer';
import { tokenQuery } from '../../../scripts/token';

describe('stack ports', () => {
  it('take flags over variables over the defaults', () => {
    expect(stackPortsFrom([], {})).toEqual(DEFAULT_PORTS);
    expect(stackPortsFrom(['--api-port', '3100'], { STUDIO_GATE_API_PORT: '3200', STUDIO_GATE_EMULATOR_PORT: '4700' })).toEqual({
      ...DEFAULT_PORTS,
      api: 3100,
      emulator: 4700,
    });
  });

  it.each([
    [['--api-port', '80'], {}, '--api-port takes a port from 1024 to 65535, got "80"'],
    [[], { STUDIO_GATE_ISSUER_PORT: '46OO' }, 'STUDIO_GATE_ISSUER_PORT takes a port'],
    [['--dynamo-port'], {}, '--dynamo-port takes a port'],
    [['--emulator-port', '3000'], {}, 'cannot share port 3000'],
  ])('refuse %j %j', (args, env, message) => {
    expect(() => stackPortsFrom(args, env)).toThrow(message);
  });

  it('name a port another program holds, and how to move it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const busy = await busyPorts({ ...DEFAULT_PORTS, api: port });
      expect(busy).toContainEqual(
        `port ${port} is in use by another program (studio-gate wants it for the API): stop that program, or move the API with --api-port N (or STUDIO_GATE_API_PORT=N)`,
      );
    } finally {
      server.close();
    }
  });
});

describe('npm run token', () => {
  it('asks for a demo person, or any email, with the claims the flags change', () => {
    expect(tokenQuery(['alice']).toString()).toBe('person=alice');
    expect(tokenQuery(['--email', 'alice@evil.example']).toString()).toBe('email=alice%40evil.example');
    expect(tokenQuery(['alice', '--email-verified', 'false', '--groups', '', '--lifetime', '60']).toString()).toBe(
      'person=alice&email_verified=false&groups=&lifetime=60',
    );
    expect(() => tokenQuery([])).toThrow('name a person, or give --email');
    expect(() => tokenQuery(['alice', '--frob'])).toThrow('unknown flag --frob');
    expect(() => tokenQuery(['alice', '--email'])).toThrow('--email needs a value');
  });

  it('gets the claims it asked for from the local issuer, and refusals for nonsense', () => {
    const now = 1_000_000;
    expect(requestedToken(new URLSearchParams('email=alice'), now)).toEqual({
      claims: { sub: 'local|alice', email: 'alice', email_verified: true, groups: ['studio-users'] },
    });
    expect(requestedToken(new URLSearchParams('person=alice&email_verified=absent&groups=&lifetime=60'), now)).toEqual({
      person: 'alice',
      claims: { email_verified: undefined, groups: [], exp: now + 60 },
    });
    expect(requestedToken(new URLSearchParams('person=nobody'), now)).toMatchObject({ status: 404 });
    expect(requestedToken(new URLSearchParams('person=alice&lifetime=0'), now)).toMatchObject({ status: 400 });
    expect(requestedToken(new URLSearchParams('person=alice&email_verified=yes'), now)).toMatchObject({ status: 400 });
    expect(requestedToken(new URLSearchParams(''), now)).toMatchObject({ status: 400 });
  });
});
