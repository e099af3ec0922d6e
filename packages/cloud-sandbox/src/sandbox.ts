/**
 * Wires the emulated services, controls and server together.
 */
import type { AddressInfo } from 'node:net';
import { Scheduler } from './clock';
import { ResourceEffects } from './cloudformation/effects';
import { StackStore } from './cloudformation/stacks';
import { ChangeSetStore } from './cloudformation/changeSets';
import type { SandboxContext } from './context';
import { SandboxControls } from './controls';
import { EcsState } from './ecs/state';
import { ElbState } from './elb/state';
import { EndpointDirectory } from './endpoints';
import { CallCounter, Faults } from './faults';
import { writeKubeconfig } from './kubeconfig';
import { KubeControllers } from './kubernetes/controllers';
import { KubernetesApi } from './kubernetes/handlers';
import { KubeStore } from './kubernetes/store';
import { profiles, type Profile, type ProfileName } from './profiles';
import { createSandboxServer } from './server';
import { dualProtocolServer, loopbackCertificate } from './tls';
import { DataServices } from './tagging/dataServices';

export interface SandboxOptions {
  /** 0 picks a free port. Defaults to 0. */
  port?: number;
  host?: string;
  profile?: ProfileName;
  /** Simulated time runs this many times faster than real time. */
  clockMultiplier?: number;
  /** Where to write the kubeconfig; a fresh temp directory by default. */
  kubeconfigPath?: string;
  region?: string;
  /** See {@link SandboxContext.loadBalancerDomain}. */
  loadBalancerDomain?: string;
}

export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:4566`: AWS endpoint and Kubernetes server. */
  url: string;
  /**
   * The same port over TLS (self-signed, see `caData`). kubectl sends a
   * kubeconfig's bearer token only to an `https://` server.
   */
  httpsUrl: string;
  /** Base64 PEM of the sandbox's certificate, for `certificate-authority-data`. */
  caData: string;
  port: number;
  kubeconfigPath: string;
  controls: SandboxControls;
  stop(): Promise<void>;
}

export const SANDBOX_ACCOUNT_ID = '000000000000';

export async function startSandbox(
  options: SandboxOptions = {},
): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  let profile: Profile = profiles[options.profile ?? 'fast'];
  const scheduler = new Scheduler();
  if (options.clockMultiplier !== undefined)
    scheduler.setMultiplier(options.clockMultiplier);
  const ctx: SandboxContext = {
    scheduler,
    faults: new Faults(),
    calls: new CallCounter(),
    profile: () => profile,
    region: options.region ?? 'us-east-1',
    loadBalancerDomain: options.loadBalancerDomain,
    accountId: SANDBOX_ACCOUNT_ID,
  };
  let url = '';
  const ecs = new EcsState(ctx);
  const elb = new ElbState();
  const data = new DataServices(ctx.region, ctx.accountId);
  const stacks = new StackStore(ctx, new ResourceEffects(ecs, elb, data));
  const changeSets = new ChangeSetStore(ctx, stacks);
  const kube = new KubeStore();
  const controllers = new KubeControllers(ctx, kube);
  controllers.bootstrap();
  const kubernetes = new KubernetesApi(
    kube,
    controllers,
    () => url,
    () => scheduler.now(),
  );
  const endpoints = new EndpointDirectory(stacks, ecs, kube, elb);
  const controls = new SandboxControls({
    profile: () => profile,
    setProfile: next => {
      profile = next;
    },
    scheduler,
    faults: ctx.faults,
    calls: ctx.calls,
    stacks,
    changeSets,
    ecs,
    elb,
    kube,
    controllers,
    url: () => url,
    data,
  });
  const server = createSandboxServer({
    stacks,
    changeSets,
    ecs,
    elb,
    kubernetes,
    controls,
    endpoints,
    faults: ctx.faults,
    calls: ctx.calls,
    accountId: SANDBOX_ACCOUNT_ID,
    data,
  });
  const certificate = loopbackCertificate(host);
  const { listener, secure, destroyAll } = dualProtocolServer(
    server,
    certificate,
  );
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (listener.address() as AddressInfo).port;
  url = `http://${host}:${port}`;
  const kubeconfigPath = writeKubeconfig(url, options.kubeconfigPath);
  return {
    url,
    httpsUrl: `https://${host}:${port}`,
    caData: Buffer.from(certificate.cert).toString('base64'),
    port,
    kubeconfigPath,
    controls,
    stop: () =>
      new Promise<void>(resolve => {
        scheduler.cancelAll();
        server.closeAllConnections();
        secure.closeAllConnections();
        destroyAll();
        listener.close(() => resolve());
      }),
  };
}
