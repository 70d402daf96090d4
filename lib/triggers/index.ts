export { parseTriggers, matchTriggers, type TriggerDeclaration, type TriggerTarget } from './triggers.ts';
export { parseCron, cronMatches, type CronSchedule } from './cron.ts';
export { arnOf, webhookTargetCommands, subscriptionsByBucket, type WebhookTargetSettings } from './minio-setup.ts';
export {
  rgwTopicName,
  rgwPushEndpoint,
  rgwCreateTopicForm,
  rgwNotificationXml,
  uniqueTargets,
  type RgwTopicSettings,
} from './rgw-setup.ts';
