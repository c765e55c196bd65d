export { freePorts } from '../../scripts/local/ports';
