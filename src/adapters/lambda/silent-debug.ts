/**
 * What the bundles use in place of the `debug` package (swapped in by src/infrastructure/bundle.ts):
 * a logger that writes nothing. node-saml logs through it, whole documents included, when a DEBUG
 * variable names it; in studio-gate nothing but the audit line reaches a log, whatever the
 * environment says.
 */
interface Debugger {
  (...args: unknown[]): void;
  enabled: boolean;
  extend(namespace: string): Debugger;
}

export default function createDebug(_namespace: string): Debugger {
  const silent = (() => undefined) as unknown as Debugger;
  silent.enabled = false;
  silent.extend = () => silent;
  return silent;
}
