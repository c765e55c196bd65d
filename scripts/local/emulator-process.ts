/**
 * The SageMaker emulator in a process of its own, for measurements that must not count its CPU or
 * share its event loop (`npm run bench`). Prints one JSON line `{"url":…}` once it listens on
 * 127.0.0.1, and stops on SIGTERM or when its parent's stdin closes.
 *
 * Flags: --latency-ms N (added to every call, STS's AssumeRole included), --bench-people N (profiles
 * bench-0001… owned by bench-0001@example.com…, InService, besides the demo people, in both demo
 * domains). It holds both demo domains and the local IAM, as the local stack's emulator does.
 */
import {
  DEMO_ACCOUNT,
  DEMO_DOMAIN_ID,
  DEMO_REGION,
  type DemoProfile,
  demoProfiles,
  demoSpaces,
  RISK_ACCOUNT,
  RISK_DOMAIN_ID,
  riskProfiles,
  riskSpaces,
} from './demo-data';
import { wholeNumberFlag } from './flags';
import { startSageMakerEmulator } from './sagemaker-emulator';
import { localIam } from './stack';

/** The bench people's names: bench-0001 … */
export function benchPerson(i: number): string {
  return `bench-${String(i + 1).padStart(4, '0')}`;
}

async function main(): Promise<void> {
  const profiles = new Map<string, DemoProfile>(demoProfiles());
  const risk = new Map<string, DemoProfile>(riskProfiles());
  for (let i = 0; i < wholeNumberFlag('--bench-people', 0); i++) {
    const name = benchPerson(i);
    profiles.set(name, { name, status: 'InService', owner: `${name}@example.com` });
    risk.set(name, { name, status: 'InService', owner: `${name}@example.com` });
  }
  const emulator = await startSageMakerEmulator({
    host: '127.0.0.1',
    port: 0,
    domainId: DEMO_DOMAIN_ID,
    region: DEMO_REGION,
    accountId: DEMO_ACCOUNT,
    profiles,
    spaces: demoSpaces(),
    otherDomains: [
      { domainId: RISK_DOMAIN_ID, region: DEMO_REGION, accountId: RISK_ACCOUNT, profiles: risk, spaces: riskSpaces() },
    ],
    iam: localIam(),
    addedLatencyMs: wholeNumberFlag('--latency-ms', 0),
  });
  const stop = () => emulator.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ url: emulator.url })}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`emulator: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
