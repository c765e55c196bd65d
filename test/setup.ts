import 'aws-sdk-client-mock-jest';
// The SDK's one notice about Node 22 (docs/development.md, "Node versions"), off for the tests and
// every process they start with this environment; no other warning is hidden.
import '../scripts/local/quiet-node-notice';
import { loopbackOnly } from './support/loopback-only';

const refused = loopbackOnly();

afterEach(() => {
  const hosts = refused.splice(0);
  if (hosts.length > 0) throw new Error(`this test tried to leave loopback: ${[...new Set(hosts)].join(', ')}`);
});
