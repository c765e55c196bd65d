import 'aws-sdk-client-mock-jest';
// The SDK's one notice about Node 22 (docs/development.md, "Node versions"), off for the tests and
// every process they start with this environment; no other warning is hidden.
import '../scripts/local/quiet-node-notice';
