/** The metric names the functions publish and the dashboard and alarm read (one list, so they agree). */
export const METRIC_NAMES = {
  namespace: 'studio-gate',
  healthy: 'Healthy',
  check: (name: string) => `check.${name}`,
  urlsIssued: 'UrlsIssued',
  denials: 'Denials',
  errors: 'Errors',
  latency: 'Latency',
} as const;
