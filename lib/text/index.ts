export { globToRegExp, type GlobOptions } from './glob.ts';
export { SUBSYSTEM_PATTERNS_SCHEMA, type SubsystemPattern } from './subsystem-patterns.ts';
