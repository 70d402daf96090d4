export * from './duration.ts';
export * from './matchers.ts';
export * from './time-intervals.ts';
export * from './alertmanager-config.ts';
export * from './routes.ts';
