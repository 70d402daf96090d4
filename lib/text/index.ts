export { globToRegExp, type GlobOptions } from './glob.ts';
