import { compileValidator } from '#lib/runtime/validate.ts';

/** ReleaseValidationConfig is release-validation's own configuration (docs/validation.md). */
export interface ReleaseValidationConfig {
  TESTLINK_URL?: string;
  TESTLINK_TIMEOUT_MS: number;
  REPORTS_BUCKET: string;
  KUBECONFIG?: string;
  KUBE_TIMEOUT_MS: number;
  SUBSYSTEM_LABEL: string;
}

/** releaseValidationConfigSchema validates ReleaseValidationConfig from the function's environment, with its defaults. */
export const releaseValidationConfigSchema = {
  properties: {
    TESTLINK_URL: { type: 'string', pattern: '^https?://' },
    TESTLINK_TIMEOUT_MS: { type: 'integer', minimum: 1000, default: 30000 },
    REPORTS_BUCKET: { type: 'string', minLength: 3, default: 'reports' },
    KUBECONFIG: { type: 'string', minLength: 1 },
    KUBE_TIMEOUT_MS: { type: 'integer', minimum: 1000, default: 30000 },
    SUBSYSTEM_LABEL: { type: 'string', minLength: 1, default: 'cmp-ops.io/subsystem' },
  },
};

/** TESTLINK_DEVKEY_SECRET names the secret holding TestLink's developer key. */
export const TESTLINK_DEVKEY_SECRET = 'cmp-ops-testlink-devkey';
/** CAMPAIGN_LIMIT is the largest campaign text taken, inline or from the state bucket. */
export const CAMPAIGN_LIMIT = 1024 * 1024;

/** validateValidationRequest checks a POSTed run: a release and a campaign, inline or by state key. */
export const validateValidationRequest = compileValidator<{ release: string; campaign?: string; campaignKey?: string }>(
  {
    type: 'object',
    required: ['release'],
    additionalProperties: false,
    oneOf: [{ required: ['campaign'] }, { required: ['campaignKey'] }],
    properties: {
      release: { type: 'string', minLength: 1 },
      campaign: { type: 'string', minLength: 1, maxLength: CAMPAIGN_LIMIT },
      campaignKey: { type: 'string', minLength: 1 },
    },
  },
  'validation request',
);
