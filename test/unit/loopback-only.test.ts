/**
 * The tests' own guard (test/support/loopback-only.ts): a connection to anything but loopback is
 * refused before it is made, whichever way net's connect is called. Exercised with a stand-in for
 * the real connect, so this test itself never opens a socket.
 */
import net from 'node:net';
import { guardedConnect } from '../support/loopback-only';

describe('the loopback-only guard of the tests', () => {
  const setup = () => {
    const made: unknown[][] = [];
    const refused: string[] = [];
    const connect = guardedConnect(function (this: net.Socket, ...args: unknown[]) {
      made.push(args);
      return this;
    }, refused);
    const errors: string[] = [];
    const call = (...args: unknown[]) => {
      const socket = new net.Socket();
      socket.on('error', (error) => errors.push(error.message));
      return connect.apply(socket, args);
    };
    return { made, refused, errors, call };
  };

  it('lets loopback through: IPv4, IPv6, localhost, no host at all, and a local socket path', () => {
    const { made, refused, call } = setup();
    call({ host: '127.0.0.1', port: 4599 });
    call([{ host: '::1', port: 4599 }, () => undefined]);
    call({ host: 'LOCALHOST', port: 1 });
    call({ port: 1 });
    call(4599);
    call({ path: '/tmp/socket' });
    expect(made).toHaveLength(6);
    expect(refused).toEqual([]);
  });

  it('refuses every other host, by name or address, and records it; the real connect is never called', async () => {
    const { made, refused, errors, call } = setup();
    call({ host: 'api.sagemaker.eu-west-1.amazonaws.com', port: 443 });
    call([{ host: '203.0.113.9', port: 443 }, () => undefined]);
    call(443, '2001:db8::1');
    call({ host: '127.0.0.1.example.com', port: 443 });
    // An HTTP request's options carry its URL path: still a TCP connection.
    call({ host: 'api.example.invalid', port: 443, path: '/' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(5);
    expect(errors[0]).toBe('a test tried to connect to api.sagemaker.eu-west-1.amazonaws.com: tests reach loopback only');
    expect(made).toEqual([]);
    expect(refused).toEqual([
      'api.sagemaker.eu-west-1.amazonaws.com',
      '203.0.113.9',
      '2001:db8::1',
      '127.0.0.1.example.com',
      'api.example.invalid',
    ]);
  });
});
