import { ConflictError } from '@backstage/errors';
import {
  CostEstimate,
  EnvironmentSchedule,
  EnvironmentTemplateSpec,
  MAX_PAGE_SIZE,
  projectedMonthlyCost,
} from '@envkit/plugin-environments-common';
import { EnvironmentStore } from '../database/EnvironmentStore';
import { MonthlyBudgets } from './EnvironmentAccess';
import { projectedMonthly } from './costEstimate';

const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * What an owner's live environments are projected to cost a month, each at
 * its recorded rates on its schedule; `except` is left out (the one being
 * changed), and with `templateRef` only those made from it.
 */
async function projectedSpend(
  store: EnvironmentStore,
  owner: string,
  options: { templateRef?: string; except?: string },
): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listEnvironments({
      owner,
      ...(options.templateRef ? { template: options.templateRef } : {}),
      limit: MAX_PAGE_SIZE,
      cursor,
    });
    for (const { id, spec, status } of page.items) {
      if (id === options.except || !spec.cost) continue;
      if (status.phase === 'Rejected' || spec.deletionRequestedAt) continue;
      total += projectedMonthlyCost(
        spec.cost,
        spec.schedule as EnvironmentSchedule | undefined,
      );
    }
    cursor = page.nextCursor;
  } while (cursor);
  return total;
}

/**
 * Checks a create or change with `estimate` (projected a month on its
 * schedule) against the owner's budget (`environments.budgets`, in
 * `budgets`) and the template's (`guardrails.budget`). Past one a
 * ConflictError names the budget; past a template budget that asks for
 * approval instead, returns why approval is needed.
 */
export async function checkBudgets(
  { store, budgets }: { store: EnvironmentStore; budgets?: MonthlyBudgets },
  options: {
    template: EnvironmentTemplateSpec;
    templateRef: string;
    owner: string;
    estimate: CostEstimate;
    /** The environment a change is about: its current cost is replaced. */
    environmentId?: string;
  },
): Promise<string | undefined> {
  const { owner, templateRef } = options;
  const monthly = projectedMonthly(options.estimate);
  const ownerBudget = budgets?.owners?.[owner] ?? budgets?.perOwner;
  if (ownerBudget !== undefined) {
    const spent = await projectedSpend(store, owner, {
      except: options.environmentId,
    });
    if (spent + monthly > ownerBudget) {
      throw new ConflictError(
        `budget: ${owner} has a monthly budget of ${usd(
          ownerBudget,
        )} (environments.budgets); its environments are projected at ${usd(
          spent,
        )} a month and this one at ${usd(monthly)}`,
      );
    }
  }
  const rule = options.template.guardrails?.budget;
  if (!rule) return undefined;
  const spent = await projectedSpend(store, owner, {
    templateRef,
    except: options.environmentId,
  });
  if (spent + monthly <= rule.monthlyPerOwner) return undefined;
  const message = `budget: ${templateRef} allows ${usd(
    rule.monthlyPerOwner,
  )} a month per owner (guardrails.budget); ${owner}'s environments from it are projected at ${usd(
    spent,
  )} and this one at ${usd(monthly)}`;
  if (rule.whenExceeded === 'approval') return message;
  throw new ConflictError(message);
}
