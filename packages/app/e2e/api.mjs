// The REST API as the guest, for browser steps that set up environments
// without clicking through Create.

export async function guestToken(backendUrl) {
  const res = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest token: HTTP ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

/** The backend's URL: `E2E_BACKEND_URL`, else the example app's. */
export function backendUrlOf(t) {
  return (
    t.backendUrl ??
    process.env.E2E_BACKEND_URL ??
    'http://localhost:7007'
  ).replace(/\/$/, '');
}

/**
 * `call(method, path, body)` on the environments API with the guest's token
 * (throws on a non-2xx answer) and `waitForPhase(id, phases, ms)`. Throws
 * when the guest cannot sign in.
 */
export async function guestEnvironmentsApi(backendUrl) {
  const token = await guestToken(backendUrl);
  const api = `${backendUrl}/api/environments`;
  const call = async (method, path, body) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) {
      throw new Error(
        `${method} ${path}: ${res.status} ${JSON.stringify(json)}`,
      );
    }
    return json;
  };
  const waitForPhase = async (id, phases, ms) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const env = await call('GET', `/environments/${id}`);
      if (phases.includes(env.status.phase)) return env;
      if (Date.now() > deadline) {
        throw new Error(`${env.spec.name} is still ${env.status.phase}`);
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  };
  /**
   * Destroys the guest's live environments from `templateRef` (those whose
   * name passes `keep` stay): earlier runs' leftovers count against the
   * template's per-owner limit. Returns the ids it asked to destroy.
   */
  const removeLeftovers = async (templateRef, keep = () => false) => {
    const mine = await call(
      'GET',
      `/environments?template=${encodeURIComponent(
        templateRef,
      )}&owner=user:default/guest`,
    );
    const removed = [];
    for (const old of mine.items) {
      if (old.status.phase !== 'Destroyed' && !keep(old.spec.name)) {
        await call('DELETE', `/environments/${old.id}`).then(
          () => removed.push(old.id),
          () => undefined,
        );
      }
    }
    return removed;
  };
  return { call, waitForPhase, removeLeftovers };
}

/**
 * The guest's environments API for a group of browser steps, or undefined
 * after reporting the group as skipped (`what`) when the guest cannot sign
 * in.
 *
 * @param {{ skip: Function, backendUrl?: string }} t
 */
export async function guestApiOrSkip(t, what) {
  try {
    return await guestEnvironmentsApi(backendUrlOf(t));
  } catch (e) {
    t.skip(what, e.message);
    return undefined;
  }
}
