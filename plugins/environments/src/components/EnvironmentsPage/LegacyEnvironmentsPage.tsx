import { Header, Page } from '@backstage/core-components';
import { EnvironmentsContent } from './EnvironmentsPage';

/** Page chrome for apps on the legacy frontend system. */
export const LegacyEnvironmentsPage = () => (
  <Page themeId="tool">
    <Header title="Environments" subtitle="Self-service environments" />
    <EnvironmentsContent />
  </Page>
);
