/**
 * Reachability rules for the local stack and the doctor: a TCP port accepts, an issuer publishes
 * usable signing keys, the API's own GET /health answers healthy.
 */
import { type CheckOutcome, fail, pass } from './check';

export type TcpProbe =
  | { readonly kind: 'open'; readonly ms: number }
  | { readonly kind: 'refused' }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'error'; readonly code: string };

export function checkPort(label: string, target: string, probe: TcpProbe): CheckOutcome {
  switch (probe.kind) {
    case 'open':
      return pass(`${label} accepts connections on ${target} (${probe.ms} ms)`);
    case 'refused':
      return fail(
        `nothing listens on ${target} (${label})`,
        `start it (npm start), or check the port is not taken by another program`,
      );
    case 'timeout':
      return fail(`${target} (${label}) did not accept within ${probe.afterMs} ms`, 'the process is hung: restart it');
    default:
      return fail(`connecting to ${target} (${label}) failed (${probe.code})`, 'check the address and port');
  }
}

/** An HTTP answer, as the probe read it (a bounded body). */
export type HttpProbe =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'error'; readonly code: string };

function unreachable(url: string, probe: Exclude<HttpProbe, { kind: 'answer' }>): CheckOutcome {
  return probe.kind === 'timeout'
    ? fail(`${url} did not answer within ${probe.afterMs} ms`, 'the server is hung or unreachable: restart it')
    : fail(`${url} is unreachable (${probe.code})`, 'start it (npm start), or check the URL');
}

/** The issuer's JWKS: 200 with at least one usable signing key. */
export function checkJwks(url: string, probe: HttpProbe): CheckOutcome {
  if (probe.kind !== 'answer') return unreachable(url, probe);
  if (probe.status !== 200) return fail(`${url} answered ${probe.status}`, 'check JWT_JWKS_URI');
  let keys: unknown;
  try {
    keys = (JSON.parse(probe.body) as { keys?: unknown }).keys;
  } catch {
    return fail(`${url} is not JSON`, 'check JWT_JWKS_URI points at the key set, not a page');
  }
  const usable = Array.isArray(keys)
    ? keys.filter((k) => k && typeof k === 'object' && typeof k.kid === 'string' && typeof k.kty === 'string' && k.use !== 'enc')
    : [];
  if (usable.length === 0)
    return fail(`${url} holds no signing key`, 'check the issuer publishes its keys (kid, kty) at this URL');
  return pass(`${url} publishes ${usable.length} signing key(s)`);
}

/** The API's GET /health: 200 healthy; a 503 names the checks that failed (from its body). */
export function checkApiHealth(url: string, probe: HttpProbe): CheckOutcome {
  if (probe.kind !== 'answer') return unreachable(url, probe);
  let body: { status?: unknown; checks?: unknown } = {};
  try {
    body = JSON.parse(probe.body) as typeof body;
  } catch {
    // Reported below by status.
  }
  const failing = Array.isArray(body.checks) ? body.checks.filter((c) => c?.status === 'fail').map((c) => String(c.name)) : [];
  if (probe.status === 200 && body.status === 'healthy') return pass(`${url} reports healthy`);
  if (probe.status === 503 && body.status === 'stale') {
    return fail(
      `${url} reports a stale summary`,
      'the scheduled health function has not run for two intervals: check its schedule and logs',
    );
  }
  if (probe.status === 503) {
    return fail(
      `${url} reports ${String(body.status ?? 'unhealthy')}${failing.length ? `: ${failing.join(', ')}` : ''}`,
      'see those checks above',
    );
  }
  return fail(`${url} answered ${probe.status}`, 'check the API and its source checks (ALLOWED_SOURCE_CIDRS)');
}
