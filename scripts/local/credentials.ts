/**
 * The only credentials the local stack's SDK clients ever hold: the emulator and dynalite check a
 * signature's shape, not its key. Never real ones, and nothing else is ever looked up.
 */
import type { StaticCredentials } from '../../src/adapters/static-credentials';

export const LOCAL_CREDENTIALS: StaticCredentials = { accessKeyId: 'local-stack-only', secretAccessKey: 'local-stack-only' };
