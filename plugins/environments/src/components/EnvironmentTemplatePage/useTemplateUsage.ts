import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { environmentsApiRef } from '../../api';
import { listAllEnvironments } from '../shared';
import { summarizeUsage } from './templateUsage';

/** The environments made from template `ref`, counted by version. */
export function useTemplateUsage(ref: string, currentVersion?: string) {
  const api = useApi(environmentsApiRef);
  return useAsync(async () => {
    const environments = await listAllEnvironments(api, { template: ref });
    return summarizeUsage(environments, currentVersion);
  }, [api, ref, currentVersion]);
}
