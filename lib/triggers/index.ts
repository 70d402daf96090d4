export { parseTriggers, matchTriggers, type TriggerDeclaration, type TriggerTarget } from './triggers.ts';
export { parseCron, cronMatches, type CronSchedule } from './cron.ts';
