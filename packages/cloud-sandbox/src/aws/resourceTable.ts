/**
 * What the data services (S3, SQS, RDS, ElastiCache, Secrets Manager) keep:
 * their resources by the id CloudFormation knows each by, its physical id
 * (a bucket's name, a queue's URL, a DB instance's identifier, …).
 */
import { AwsError } from './query';

export class ResourceTable<T> {
  readonly byId = new Map<string, T>();

  reset(): void {
    this.byId.clear();
  }

  delete(id: string): void {
    this.byId.delete(id);
  }
}

/**
 * The query-protocol services' answer for an id that names nothing, e.g.
 * `DBInstanceNotFound: DBInstance db-1 not found.` with HTTP 404.
 */
export function notFound(code: string, kind: string, id: string): AwsError {
  return new AwsError(code, `${kind} ${id} not found.`, 404);
}
