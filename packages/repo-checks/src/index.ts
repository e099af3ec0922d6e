export { repoRoot, markdownFiles, codeBlocks, configKeys } from './repo';
