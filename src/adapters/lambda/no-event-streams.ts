/**
 * What the bundles use in place of `@smithy/core/event-streams` (swapped in by
 * src/infrastructure/bundle.ts): no call studio-gate makes streams, so the event-stream codec is
 * not bundled. The SDK loads it only for an operation with an event stream; should one ever be
 * called, it fails loudly here instead of working without a test.
 */
const NOT_BUNDLED = 'event streams are not bundled into studio-gate (src/adapters/lambda/no-event-streams.ts)';

export class EventStreamSerde {
  constructor() {
    throw new Error(NOT_BUNDLED);
  }
}

export function eventStreamSerdeProvider(): never {
  throw new Error(NOT_BUNDLED);
}
