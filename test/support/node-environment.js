/**
 * jest's node environment, with the host's Error constructor. jest runs tests in a vm context, so
 * errors raised by Node core (a reset socket) come from another realm and fail `instanceof Error`
 * inside the AWS SDK, which then wraps them and drops their name and code. Lambda has one realm;
 * this makes the tests see what Lambda sees.
 */
const { TestEnvironment } = require('jest-environment-node');

class HostErrorEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.Error = Error;
  }
}

module.exports = HostErrorEnvironment;
