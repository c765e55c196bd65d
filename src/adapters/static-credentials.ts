/** Static credentials for an SDK client: local harnesses only (the emulator, dynalite); Lambda uses its role. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}
