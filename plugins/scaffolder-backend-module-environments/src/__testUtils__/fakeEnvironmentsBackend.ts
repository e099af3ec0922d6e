import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import express from 'express';
import { FakeEnvironments } from './FakeEnvironments';

/**
 * A backend plugin with the id `environments` that serves the REST routes
 * the actions use from a {@link FakeEnvironments}, behind the same
 * Backstage auth as the real one.
 */
export function fakeEnvironmentsBackend(fake: FakeEnvironments) {
  return createBackendPlugin({
    pluginId: 'environments',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const router = express.Router();
          router.use(express.json());
          router.use(async (req, res, next) => {
            try {
              const credentials = await httpAuth.credentials(req);
              const principal = credentials.principal as {
                userEntityRef?: string;
              };
              const headers: Record<string, string | undefined> = {};
              for (const [key, value] of Object.entries(req.headers)) {
                headers[key] = Array.isArray(value) ? value[0] : value;
              }
              const { status, body } = fake.handle({
                method: req.method,
                path: req.url,
                headers,
                body: req.body,
                caller: principal.userEntityRef,
              });
              res.status(status).json(body);
            } catch (error) {
              next(error);
            }
          });
          httpRouter.use(router);
        },
      });
    },
  });
}
