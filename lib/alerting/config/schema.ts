/**
 * The Alertmanager 0.25 configuration schema (config/config.go and the notifier configs), strict as Go's yaml
 * UnmarshalStrict is: an unknown key anywhere is an error. Integrations cmp-ops does not deliver (OpsGenie,
 * VictorOps, …) are accepted as AM accepts them and reported as undeliverable at load time.
 */
const str = { type: 'string' };
const bool = { type: 'boolean' };
const strList = { type: 'array', items: str };
const strMap = { type: 'object', additionalProperties: str };
const loose = { type: 'object' };
const strict = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});
const common = { send_resolved: bool, http_config: loose };

export const webhookSchema = strict({
  ...common,
  url: str,
  url_file: str,
  max_alerts: { type: 'integer', minimum: 0 },
});
export const emailSchema = strict({
  send_resolved: bool,
  to: str,
  from: str,
  hello: str,
  smarthost: str,
  auth_username: str,
  auth_password: str,
  auth_password_file: str,
  auth_secret: str,
  auth_identity: str,
  headers: strMap,
  html: str,
  text: str,
  require_tls: bool,
  tls_config: loose,
});
export const slackSchema = strict({
  ...common,
  api_url: str,
  api_url_file: str,
  channel: str,
  username: str,
  color: str,
  title: str,
  title_link: str,
  pretext: str,
  text: str,
  fields: { type: 'array' },
  short_fields: bool,
  footer: str,
  fallback: str,
  callback_id: str,
  icon_emoji: str,
  icon_url: str,
  image_url: str,
  thumb_url: str,
  link_names: bool,
  mrkdwn_in: strList,
  actions: { type: 'array' },
});
export const pagerdutySchema = strict({
  ...common,
  service_key: str,
  service_key_file: str,
  routing_key: str,
  routing_key_file: str,
  url: str,
  client: str,
  client_url: str,
  description: str,
  details: strMap,
  images: { type: 'array' },
  links: { type: 'array' },
  source: str,
  severity: str,
  class: str,
  component: str,
  group: str,
});

const routeRef = { $ref: '#/definitions/route' };
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['route'],
  definitions: {
    route: strict({
      receiver: str,
      group_by: strList,
      match: strMap,
      match_re: strMap,
      matchers: strList,
      continue: bool,
      routes: { type: 'array', items: routeRef },
      group_wait: str,
      group_interval: str,
      repeat_interval: str,
      mute_time_intervals: strList,
      active_time_intervals: strList,
    }),
    timeInterval: strict(
      {
        name: str,
        time_intervals: {
          type: 'array',
          items: strict({
            times: { type: 'array', items: strict({ start_time: str, end_time: str }, ['start_time', 'end_time']) },
            weekdays: strList,
            days_of_month: strList,
            months: strList,
            years: strList,
            location: str,
          }),
        },
      },
      ['name'],
    ),
  },
  properties: {
    global: strict({
      resolve_timeout: str,
      http_config: loose,
      smtp_from: str,
      smtp_hello: str,
      smtp_smarthost: str,
      smtp_auth_username: str,
      smtp_auth_password: str,
      smtp_auth_password_file: str,
      smtp_auth_secret: str,
      smtp_auth_identity: str,
      smtp_require_tls: bool,
      slack_api_url: str,
      slack_api_url_file: str,
      pagerduty_url: str,
      opsgenie_api_url: str,
      opsgenie_api_key: str,
      opsgenie_api_key_file: str,
      wechat_api_url: str,
      wechat_api_secret: str,
      wechat_api_corp_id: str,
      victorops_api_url: str,
      victorops_api_key: str,
      victorops_api_key_file: str,
      telegram_api_url: str,
      webex_api_url: str,
    }),
    route: routeRef,
    inhibit_rules: {
      type: 'array',
      items: strict({
        source_match: strMap,
        source_match_re: strMap,
        source_matchers: strList,
        target_match: strMap,
        target_match_re: strMap,
        target_matchers: strList,
        equal: strList,
      }),
    },
    receivers: {
      type: 'array',
      items: strict(
        {
          name: str,
          webhook_configs: { type: 'array', items: webhookSchema },
          email_configs: { type: 'array', items: emailSchema },
          slack_configs: { type: 'array', items: slackSchema },
          pagerduty_configs: { type: 'array', items: pagerdutySchema },
          opsgenie_configs: { type: 'array' },
          wechat_configs: { type: 'array' },
          pushover_configs: { type: 'array' },
          victorops_configs: { type: 'array' },
          sns_configs: { type: 'array' },
          telegram_configs: { type: 'array' },
          discord_configs: { type: 'array' },
          webex_configs: { type: 'array' },
        },
        ['name'],
      ),
    },
    templates: strList,
    mute_time_intervals: { type: 'array', items: { $ref: '#/definitions/timeInterval' } },
    time_intervals: { type: 'array', items: { $ref: '#/definitions/timeInterval' } },
    // cmp-ops's extension (Alertmanager rejects this key: keep it in a separate file for amtool, see docs/alerting.md)
    cmp_ops: { type: 'object' },
  },
};
