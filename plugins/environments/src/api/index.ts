export * from './EnvironmentsApi';
