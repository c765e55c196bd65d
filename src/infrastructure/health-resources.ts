/**
 * What the health checks add to a stage: the service's DynamoDB table (shared with the SSO
 * bridge's replay records: string keys pk/sk, TTL on expiresAt, on-demand, encrypted, point-in-time
 * recovery, kept on stack deletion), the DynamoDB interface endpoint the functions reach it through,
 * the two functions' roles, the alarm on `Healthy` and the dashboard, plus both functions'
 * environments.
 */

import { METRIC_NAMES } from '../domain/health/metric-names';
import type { WrittenPlan } from '../domain/health/plan';
import { SERVICE_TABLE_KEYS, SERVICE_TABLE_TTL_ATTRIBUTE } from '../domain/service-table';
import {
  dynamoDbEndpointPolicy,
  healthCheckFunctionStatements,
  healthEndpointFunctionStatements,
} from '../policies/health-policies';
import type { DeploymentFacts } from '../policies/policy-types';
import type { CfnValue } from './cloudformation';
import { endpointDnsEntryPart } from './network';
import type { DeploymentParams } from './params';
import { functionRole } from './roles';

export interface HealthPart {
  readonly resources: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
  readonly healthCheckEnvironment: Record<string, CfnValue>;
  readonly healthEnvironment: Record<string, CfnValue>;
}

/** `https://` + the DynamoDB endpoint's own DNS name (its first DNS entry is `zone:name`). */
export const DYNAMO_ENDPOINT_URL: CfnValue = { 'Fn::Join': ['', ['https://', endpointDnsEntryPart('DynamoDbEndpoint', 1)]] };

/** A CloudWatch dashboard: health per check, URLs issued, denials by reason, latency p50/p99. */
export function dashboardBody(
  metricsService: string,
  plan: WrittenPlan,
  checkNames: readonly string[],
  intervalMinutes: number,
): unknown {
  const ns = METRIC_NAMES.namespace;
  const dim = ['service', metricsService];
  const period = Math.max(60, intervalMinutes * 60);
  const widget = (x: number, y: number, title: string, properties: Record<string, unknown>) => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region: plan.region, view: 'timeSeries', ...properties },
  });
  return {
    widgets: [
      widget(0, 0, 'Health per check (1 pass, 0.5 warn, 0 fail)', {
        stat: 'Minimum',
        period,
        yAxis: { left: { min: 0, max: 1 } },
        metrics: [[ns, METRIC_NAMES.healthy, ...dim], ...checkNames.map((name) => [ns, METRIC_NAMES.check(name), ...dim])],
      }),
      widget(12, 0, 'Studio URLs issued', { stat: 'Sum', period: 300, metrics: [[ns, METRIC_NAMES.urlsIssued, ...dim]] }),
      widget(0, 6, 'Denials by reason', {
        stat: 'Sum',
        period: 300,
        metrics: [
          [
            {
              id: 'denials',
              expression: `SEARCH('{${ns},reason,service} MetricName="${METRIC_NAMES.denials}" service="${metricsService}"', 'Sum', 300)`,
            },
          ],
        ],
      }),
      widget(12, 6, 'Request latency p50 / p99 (ms)', {
        period: 300,
        metrics: [
          [ns, METRIC_NAMES.latency, ...dim, { stat: 'p50', label: 'p50' }],
          [ns, METRIC_NAMES.latency, ...dim, { stat: 'p99', label: 'p99' }],
        ],
      }),
    ],
  };
}

/** The check names a plan yields, in the order the run reports them. */
export function checkNamesOf(
  plan: Pick<WrittenPlan, 'dns' | 'studio' | 'probes'> & {
    readonly network?: { readonly endpoints: readonly { readonly name: string }[] };
  },
): string[] {
  const names: string[] = [];
  for (const e of plan.network?.endpoints ?? []) names.push(`endpoint.${e.name}`, `security-group.${e.name}`);
  for (const n of plan.dns.names) names.push(`dns.${n.name}`, ...(n.tls ? [`tls.${n.name}`] : []));
  if (plan.studio) names.push('domain', ...(plan.studio.canary ? ['canary'] : []), ...(plan.studio.binding ? ['binding'] : []));
  for (const p of plan.probes?.ports ?? []) names.push(`port.${p.name}`);
  if (plan.probes?.jwksUrl) names.push('jwks');
  if (plan.probes?.apiHealthUrl) names.push('api-health');
  return names;
}

/**
 * @param render the deployment's placeholder renderer (knows ${LambdaSecurityGroupId}, ${ServiceTableName}, …)
 * @param plan the stage's health plan (with placeholders)
 */
export function healthPart(
  params: DeploymentParams,
  facts: DeploymentFacts,
  plan: WrittenPlan,
  render: (value: unknown) => CfnValue,
): HealthPart {
  const { health } = params;
  const metricsService = `${params.service}-${params.stage}`;
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};

  resources.ServiceTable = {
    Type: 'AWS::DynamoDB::Table',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: SERVICE_TABLE_KEYS.AttributeDefinitions,
      KeySchema: SERVICE_TABLE_KEYS.KeySchema,
      TimeToLiveSpecification: { AttributeName: SERVICE_TABLE_TTL_ATTRIBUTE, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    },
  };
  outputs.ServiceTableName = {
    Description: 'studio-gate table (health summary, SSO replay records)',
    Value: { Ref: 'ServiceTable' },
  };

  resources.DynamoDbEndpoint = {
    Type: 'AWS::EC2::VPCEndpoint',
    Properties: {
      VpcEndpointType: 'Interface',
      ServiceName: render('com.amazonaws.${AWS::Region}.dynamodb'),
      VpcId: params.vpcId,
      SubnetIds: [...params.subnetIds],
      SecurityGroupIds: [{ Ref: 'ServiceEndpointSecurityGroup' }],
      // No private DNS: the functions name the endpoint's own DNS name (AWS_ENDPOINT_URL_DYNAMODB).
      PrivateDnsEnabled: false,
      PolicyDocument: render(dynamoDbEndpointPolicy(facts)),
    },
  };
  outputs.DynamoDbEndpointId = { Description: 'DynamoDB interface endpoint id', Value: { Ref: 'DynamoDbEndpoint' } };

  resources.HealthCheckRole = render(
    functionRole(
      params,
      'healthCheck',
      healthCheckFunctionStatements(
        facts,
        health.canary?.profileName,
        Object.fromEntries((plan.domains ?? []).flatMap((d) => (d.canary ? [[d.domainId, d.canary.profileName]] : []))),
        plan.studio?.binding !== undefined,
      ),
    ),
  );
  resources.HealthRole = render(functionRole(params, 'health', healthEndpointFunctionStatements()));

  const dimensions = [{ Name: 'service', Value: metricsService }];
  resources.HealthAlarm = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: `studio-gate ${params.stage}: a health check of the private path failed, or the checks stopped running. See the dashboard and the health.result log line; npm run doctor shows the fix to try.`,
      Namespace: METRIC_NAMES.namespace,
      MetricName: METRIC_NAMES.healthy,
      Dimensions: dimensions,
      Statistic: 'Minimum',
      Period: health.intervalMinutes * 60,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      // No data means the schedule stopped: that is unhealthy too.
      TreatMissingData: 'breaching',
      ...(health.alarmTopicArn !== undefined && { AlarmActions: [health.alarmTopicArn], OKActions: [health.alarmTopicArn] }),
    },
  };
  outputs.HealthAlarmName = { Description: 'CloudWatch alarm on Healthy', Value: { Ref: 'HealthAlarm' } };

  resources.HealthDashboard = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      DashboardName: metricsService,
      DashboardBody: render(JSON.stringify(dashboardBody(metricsService, plan, checkNamesOf(plan), health.intervalMinutes))),
    },
  };

  const store: Record<string, CfnValue> = {
    HEALTH_TABLE_NAME: { Ref: 'ServiceTable' },
    AWS_ENDPOINT_URL_DYNAMODB: DYNAMO_ENDPOINT_URL,
    METRICS_SERVICE: metricsService,
  };
  return {
    resources,
    outputs,
    healthCheckEnvironment: { ...store, HEALTH_PLAN: render(JSON.stringify(plan)) },
    healthEnvironment: { ...store, HEALTH_INTERVAL_MINUTES: String(health.intervalMinutes) },
  };
}
