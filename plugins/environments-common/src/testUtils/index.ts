export { exampleTemplate } from './exampleTemplate';
