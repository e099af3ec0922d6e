/**
 * Secrets Manager secrets: those a template declares and those RDS makes
 * for a DB instance with `ManageMasterUserPassword`. Their values never
 * leave the sandbox; only their metadata is described.
 */
import { AwsError } from '../aws/query';
import { ResourceTable } from '../aws/resourceTable';
import type { Tag } from '../tagging/tags';

export interface Secret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  /** `rds` for a DB instance's managed master password. */
  owningService?: string;
  /**
   * The secret's current string (its `SecretString`, or what
   * `GenerateSecretString` made); never described, only resolved into the
   * properties of resources that reference it dynamically.
   */
  value?: string;
  tags: Tag[];
  createdDate: Date;
}

/** Secrets by ARN. */
export class SecretsManagerState extends ResourceTable<Secret> {
  create(secret: Omit<Secret, 'createdDate'>): Secret {
    const created = { ...secret, createdDate: new Date() };
    this.byId.set(secret.arn, created);
    return created;
  }

  /** The secret `id` names: by ARN or by name, as `SecretId` may be either. */
  private lookup(id: string | undefined): Secret | undefined {
    return id
      ? this.byId.get(id) ?? [...this.byId.values()].find(s => s.name === id)
      : undefined;
  }

  /** The current value of the secret `id` (ARN or name), if it exists. */
  value(id: string): string | undefined {
    return this.lookup(id)?.value;
  }

  /** By ARN or by name; Secrets Manager's not-found error when neither. */
  get(id: string | undefined): Secret {
    const secret = this.lookup(id);
    if (!secret) {
      throw new AwsError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    return secret;
  }
}
