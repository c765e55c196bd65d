/**
 * Lambda entry point of the scheduled health run (EventBridge): runs every check of HEALTH_PLAN,
 * writes the result line, publishes the metrics and stores the summary for GET /health. It answers
 * `{ healthy, status }`; a broken configuration or an unwritable table fails the invocation.
 */
import { healthCheckContainer } from '../src/health-check-app';

healthCheckContainer.init();

export const handler = async (): Promise<{ healthy: boolean; status: string }> => {
  const { healthy, status } = await healthCheckContainer.get().run();
  return { healthy, status };
};
