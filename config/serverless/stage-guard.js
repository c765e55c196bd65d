// The stage "local" is the local stack's (npm start runs `serverless offline --stage local`): its
// functions talk to loopback peers, may hold secrets as values, and carry LOCAL_STUDIO_ORIGIN, the
// flag that lets every function take loopback endpoints. serverless.yml falls back to it when no
// --stage is given, so this plugin refuses to package or deploy it: a deployment names its stage.
class StageGuard {
  constructor(serverless, options) {
    const refuse = () => {
      const stage = options.stage ?? serverless.service.provider.stage;
      if (stage === 'local') {
        throw new serverless.classes.Error(
          'The stage "local" is the local stack (npm start), never packaged or deployed: name the stage, e.g. --stage prod (docs/deploy.md)',
        );
      }
    };
    this.hooks = {
      'before:package:initialize': refuse,
      'before:deploy:deploy': refuse,
      'before:deploy:function:initialize': refuse,
    };
  }
}

module.exports = StageGuard;
