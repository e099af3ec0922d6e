export interface Config {
  /** Settings of the Envkit example backend. */
  envkit?: {
    /**
     * What each CI principal may do with environments. A CI principal is a
     * caller authenticated by an entry of `backend.auth.externalAccess`; it
     * may create environments only from `templates`, only for `owners`, and
     * read, change and destroy only environments matching both. An
     * external caller not listed here may do nothing with environments.
     */
    ciPrincipals?: Array<{
      /** The `subject` of its `backend.auth.externalAccess` entry. */
      subject: string;
      /** EnvironmentTemplate refs, e.g. `ecs-web-service` or `environmenttemplate:default/ecs-web-service`. */
      templates: string[];
      /** Owner refs, e.g. `group:default/team-storefront` (`group` is the default kind). */
      owners: string[];
    }>;
  };
}
