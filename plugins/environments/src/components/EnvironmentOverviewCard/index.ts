export { EnvironmentOverviewCard } from './EnvironmentOverviewCard';
export { EnvironmentOverview } from './EnvironmentOverview';
