/**
 * What the bundles use in place of the `debug` package (swapped in by src/infrastructure/bundle.ts):
 * a logger that writes nothing. node-saml logs through it, whole documents included, when a DEBUG
 * variable names it; in studio-gate nothing but the audit line reaches a log, whatever the
 * environment says. Shaped like the package (a CommonJS function with `default`, `enable`,
 * `disable`, `enabled`, `formatters`, `log`), so any library that calls it either way loads.
 */
interface Debugger {
  (...args: unknown[]): void;
  enabled: boolean;
  namespace: string;
  extend(namespace: string): Debugger;
  log: (...args: unknown[]) => void;
}

function createDebug(namespace: string): Debugger {
  const silent = (() => undefined) as unknown as Debugger;
  silent.enabled = false;
  silent.namespace = namespace;
  silent.extend = (more: string) => createDebug(`${namespace}:${more}`);
  silent.log = () => undefined;
  return silent;
}

createDebug.default = createDebug;
createDebug.debug = createDebug;
createDebug.enable = (_namespaces: string): void => undefined;
createDebug.disable = (): string => '';
createDebug.enabled = (_namespace: string): boolean => false;
createDebug.formatters = {} as Record<string, (value: unknown) => string>;
createDebug.log = (..._args: unknown[]): void => undefined;

export = createDebug;
