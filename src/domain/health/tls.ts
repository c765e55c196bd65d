/**
 * TLS rules: each address a private name resolves to completes a handshake on 443 within the
 * timeout, with a certificate that is trusted and valid for the name.
 */
import { type CheckOutcome, combine, fail, pass } from './check';

/** The end of one handshake attempt. */
export type TlsHandshake =
  | { readonly kind: 'ok'; readonly address: string; readonly ms: number }
  | { readonly kind: 'name-mismatch'; readonly address: string }
  | { readonly kind: 'untrusted'; readonly address: string; readonly code: string }
  | { readonly kind: 'timeout'; readonly address: string; readonly afterMs: number }
  | { readonly kind: 'refused'; readonly address: string }
  | { readonly kind: 'error'; readonly address: string; readonly code: string };

export function checkTls(host: string, handshakes: readonly TlsHandshake[]): CheckOutcome {
  if (handshakes.length === 0)
    return fail(`${host} resolved to no address to connect to`, 'fix the DNS check of this name first');
  const findings = handshakes.map((h): CheckOutcome => {
    switch (h.kind) {
      case 'ok':
        return pass(`${h.address}: handshake in ${h.ms} ms`);
      case 'name-mismatch':
        return fail(
          `${h.address} presents a certificate that is not valid for ${host}`,
          'the name points at the wrong endpoint or service: check the private hosted zone records',
        );
      case 'untrusted':
        return fail(
          `${h.address} presents an untrusted certificate (${h.code})`,
          'something intercepts TLS on this path: check proxies and the DNS answer',
        );
      case 'timeout':
        return fail(
          `${h.address} did not complete a handshake within ${h.afterMs} ms`,
          'check the endpoint security group allows 443 from here and the network ACLs',
        );
      case 'refused':
        return fail(
          `${h.address} refused the connection on 443`,
          'the address is not an endpoint interface: check the DNS answer',
        );
      default:
        return fail(`${h.address}: handshake failed (${h.code})`, 'check the endpoint and the network path');
    }
  });
  const slowest = Math.max(0, ...handshakes.map((h) => (h.kind === 'ok' ? h.ms : 0)));
  return combine(findings, `TLS to ${host} on ${handshakes.length} address(es), certificate valid, slowest ${slowest} ms`);
}
