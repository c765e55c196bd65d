export { freePort } from '../../scripts/local/ports';
