export * from './holidays.ts';
export * from './schedule.ts';
export * from './extension.ts';
export * from './escalation.ts';
