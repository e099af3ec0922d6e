export { EnvironmentsContent } from './EnvironmentsPage';
