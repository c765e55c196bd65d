export { invocationContext as lambdaContext } from '../../scripts/local/lambda-context';
