export * from './environmentsServiceMock';
