/**
 * The SageMaker reads of the health checks: DescribeDomain, plus the canary profile's
 * DescribeUserProfile and ListTags exactly as GET /studio-url reads them. A module of its own, so
 * the studio-url bundle carries no DescribeDomain command.
 */
import { DescribeDomainCommand } from '@aws-sdk/client-sagemaker';
import type { DomainFacts } from '../domain/health/studio';
import type { StudioHealthPort } from '../use-cases/health-ports';
import type { CallOptions } from '../use-cases/ports';
import { SageMakerStudioAdapter, toDomainError } from './sagemaker-studio';

export class SageMakerHealthAdapter extends SageMakerStudioAdapter implements StudioHealthPort {
  async describeDomain(domainId: string, options: CallOptions = {}): Promise<DomainFacts | undefined> {
    try {
      const out = await this.client.send(new DescribeDomainCommand({ DomainId: domainId }), { abortSignal: options.signal });
      return {
        ...(typeof out.Status === 'string' && { status: out.Status }),
        ...(typeof out.AppNetworkAccessType === 'string' && { appNetworkAccessType: out.AppNetworkAccessType }),
        ...(typeof out.DomainArn === 'string' && { arn: out.DomainArn }),
      };
    } catch (error) {
      const name = (error as { name?: unknown })?.name;
      if (name === 'ResourceNotFound' || name === 'ResourceNotFoundException') return undefined;
      throw toDomainError(error, { operation: 'DescribeDomain', userProfileName: '' });
    }
  }
}
