// Browser steps for approvals and notices, called from environments.e2e.mjs.
//
// The signed-in guest is a member of group:default/environment-approvers,
// the approver group of the example template `approved-namespace`. The guest
// may not approve their own request, so the request comes from a second
// principal: an external caller (backend.auth.externalAccess) whose token is
// given in E2E_REQUESTER_TOKEN and which envkit.ciPrincipals lets use
// `approved-namespace` for an owner group (E2E_REQUESTER_OWNER, default
// group:default/team-payments). Without the token the steps are skipped.
//
// Steps: the request waits in AwaitingApproval; the Approvals tab lists it
// and approves it (screenshot approvals-tab.png); the environment leaves
// AwaitingApproval; the approval notice is on the notifications page
// (screenshot notifications-page.png).

const TEMPLATE = 'environmenttemplate:default/approved-namespace';

/**
 * @param {import('playwright-core').Page} page signed in as the guest
 * @param {{ baseUrl: string, backendUrl?: string, timeout: number,
 *   step: (name: string, fn: () => Promise<unknown>) => Promise<void>,
 *   skip: (name: string, why: string) => void,
 *   shot: (page: import('playwright-core').Page, file: string, fullPage?: boolean) => Promise<unknown> }} t
 */
export async function approvalSteps(page, t) {
  const token = process.env.E2E_REQUESTER_TOKEN;
  if (!token) {
    t.skip(
      'approvals: approve a request on the Approvals tab',
      'E2E_REQUESTER_TOKEN (an external caller allowed to use approved-namespace) is not set',
    );
    return;
  }
  const backendUrl = (
    t.backendUrl ??
    process.env.E2E_BACKEND_URL ??
    'http://localhost:7007'
  ).replace(/\/$/, '');
  const api = `${backendUrl}/api/environments`;
  const name = `approve-${Date.now().toString(36).slice(-6)}`;
  let id;

  await t.step('approvals: a request waits in AwaitingApproval', async () => {
    const res = await fetch(`${api}/environments`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        name,
        templateRef: TEMPLATE,
        owner: process.env.E2E_REQUESTER_OWNER ?? 'group:default/team-payments',
      }),
    });
    const body = await res.json();
    if (res.status !== 202) {
      throw new Error(`create answered ${res.status}: ${JSON.stringify(body)}`);
    }
    if (body.status.phase !== 'AwaitingApproval') {
      throw new Error(`phase is ${body.status.phase}, not AwaitingApproval`);
    }
    id = body.id;
    return `${name} (${id})`;
  });

  await t.step(
    'approvals: the Approvals tab lists and approves it',
    async () => {
      await page.goto(`${t.baseUrl}/environments?tab=approvals`);
      const approve = page.getByRole('button', { name: `Approve ${name}` });
      await approve.waitFor({ timeout: t.timeout });
      await t.shot(page, 'approvals-tab.png');
      await approve.click();
      await page
        .getByText(`Approved ${name}; it is being provisioned`)
        .waitFor({ timeout: t.timeout });
      await page
        .getByText('No requests wait for your approval')
        .waitFor({ timeout: t.timeout });
    },
  );

  await t.step(
    'approvals: the environment leaves AwaitingApproval',
    async () => {
      const deadline = Date.now() + t.timeout;
      for (;;) {
        const res = await fetch(`${api}/environments/${id}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        const body = await res.json();
        if (res.ok && body.status.phase !== 'AwaitingApproval') {
          return `now ${body.status.phase}; approved by ${body.spec.approval.decision.by}`;
        }
        if (Date.now() > deadline) {
          throw new Error(`still ${body.status?.phase ?? res.status}`);
        }
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
    },
  );

  await t.step(
    'notices: the approval request is on the notifications page',
    async () => {
      await page.goto(`${t.baseUrl}/notifications`);
      await page
        .getByText(`Approval requested: environment ${name}`)
        .first()
        .waitFor({ timeout: t.timeout });
      await t.shot(page, 'notifications-page.png');
    },
  );

  // Leave nothing behind for the next run.
  await fetch(`${api}/environments/${id}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${token}` },
  }).catch(() => undefined);
}
