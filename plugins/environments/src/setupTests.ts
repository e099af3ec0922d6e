import '@testing-library/jest-dom';

// Select menus and dialogs driven through user-event in jsdom take seconds
// on a loaded 2-core CI machine, more than Jest's default 5 s per test.
jest.setTimeout(30_000);
