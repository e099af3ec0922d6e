/** Secrets Manager's DescribeSecret (JSON 1.1): metadata, never the value. */
import type { JsonHandler } from '../aws/serviceCalls';
import { epochSeconds } from '../util/time';
import type { SecretsManagerState } from './state';

export function secretsManagerHandlers(
  state: SecretsManagerState,
): Record<string, JsonHandler> {
  return {
    DescribeSecret: input => {
      const secret = state.get(input.SecretId as string | undefined);
      return {
        ARN: secret.arn,
        Name: secret.name,
        Description: secret.description,
        KmsKeyId: secret.kmsKeyId,
        OwningService: secret.owningService,
        CreatedDate: epochSeconds(secret.createdDate),
        LastChangedDate: epochSeconds(secret.createdDate),
        Tags: secret.tags,
      };
    },
  };
}
