/**
 * The `debug` stand-in the bundles carry (src/adapters/lambda/silent-debug.ts): shaped like the
 * package, whichever way a library calls it, and silent.
 */
import createDebug = require('../../../src/adapters/lambda/silent-debug');

it('is callable as the package is, and writes nothing', () => {
  const write = jest.spyOn(process.stderr, 'write');
  const log = createDebug('node-saml');
  log('a whole SAML document');
  createDebug.default('x').extend('y')('more');
  createDebug.enable('*');
  expect(createDebug.enabled('node-saml')).toBe(false);
  expect(log.enabled).toBe(false);
  expect(createDebug.disable()).toBe('');
  expect(createDebug.formatters).toEqual({});
  expect(write).not.toHaveBeenCalled();
  write.mockRestore();
});
