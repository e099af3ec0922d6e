export * from './FakeCloudDriver';
export * from './outcomes';
export * from './driverContext';
export * from './testDriverModule';
export * from './wait';
export * from './sandbox';
export * from './driverCapture';
export * from './driverContract';
