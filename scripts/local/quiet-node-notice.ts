/**
 * Keeps the local tools and tests quiet about one notice: on Node 20 the AWS SDK prints, once per
 * process, that its releases after January 2027 will need Node 22 (Lambda runs Node 22 already;
 * docs/development.md says which versions run where). The SDK's own switch turns off that notice
 * and nothing else: every other warning still prints. Import it first; child processes inherit it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
