/**
 * The SageMaker client as `npm run bench` swaps it into a copy of the studio-url bundle, to measure
 * studio-gate's own CPU per request apart from the SDK's: each command (by its class and input) is
 * sent for real once, and answered from memory after that, as a fresh copy of the first answer (the
 * copy stands in for the SDK's deserialising). Everything else of the client module is the SDK's.
 * Bench only: nothing in src/ imports it.
 */
import { SageMakerClient as SdkSageMakerClient } from '@aws-sdk/client-sagemaker';

export * from '@aws-sdk/client-sagemaker';

type Send = (command: object, options?: unknown) => Promise<unknown>;

export class SageMakerClient extends SdkSageMakerClient {
  constructor(...args: ConstructorParameters<typeof SdkSageMakerClient>) {
    super(...args);
    const send = this.send.bind(this) as Send;
    const answers = new Map<unknown, Map<string, unknown>>();
    const remembered: Send = async (command, options) => {
      const kind = answers.get(command.constructor) ?? new Map<string, unknown>();
      answers.set(command.constructor, kind);
      const key = JSON.stringify((command as { input?: unknown }).input);
      if (!kind.has(key)) kind.set(key, await send(command, options));
      return structuredClone(kind.get(key));
    };
    this.send = remembered as SdkSageMakerClient['send'];
  }
}
