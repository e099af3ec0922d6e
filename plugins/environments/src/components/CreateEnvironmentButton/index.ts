export {
  CreateEnvironmentButton,
  createFormLink,
  CREATE_PATH,
} from './CreateEnvironmentButton';
