import { isOpsError, opsError, type ErrorDetail } from '#lib/runtime/errors.ts';
import { compileValidator } from '#lib/runtime/validate.ts';
import { parseYamlWithLines, withLines, type YamlSource } from '#lib/runtime/yaml.ts';
import { CHECK_SCHEMAS, CHECK_NAMES, type CheckName, type CheckSpec } from './check-specs.ts';

/** BUILD_NAME_LIMIT is TestLink's `builds.name` column size (VARCHAR(100)). */
export const BUILD_NAME_LIMIT = 100;

/** TESTCASE_ID is TestLink's external id: the project prefix (at most 16 characters), `-`, the case number. */
export const TESTCASE_ID = /^[A-Za-z0-9_.]{1,16}-[1-9][0-9]{0,9}$/;

/** RELEASE_NAME is what a release may be called: it names the build, the state records and the import file. */
export const RELEASE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/;

/** Campaign is a validated campaign file: where TestLink records it, and the checks, each with its test case. */
export interface Campaign {
  testlink: { project: string; plan: string; build?: string; platform?: string; notes?: string };
  checks: CheckSpec[];
}

/** ResolvedCampaign is a campaign bound to a release: the build name is known. */
export interface ResolvedCampaign extends Campaign {
  release: string;
  build: string;
}

const topSchema = {
  type: 'object',
  required: ['testlink', 'checks'],
  additionalProperties: false,
  properties: {
    testlink: {
      type: 'object',
      required: ['project', 'plan'],
      additionalProperties: false,
      properties: {
        project: { type: 'string', minLength: 1 },
        plan: { type: 'string', minLength: 1 },
        build: { type: 'string', minLength: 1, maxLength: BUILD_NAME_LIMIT },
        platform: { type: 'string', minLength: 1 },
        notes: { type: 'string' },
      },
    },
    checks: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['check', 'testcase'],
        properties: { check: { type: 'string' }, testcase: { type: 'string' } },
      },
    },
  },
};

const validateTop = compileValidator<{
  testlink: Campaign['testlink'];
  checks: Array<{ check: string; testcase: string } & Record<string, unknown>>;
}>(topSchema, 'campaign');
const validators = Object.fromEntries(
  CHECK_NAMES.map((name) => [name, compileValidator<CheckSpec>(CHECK_SCHEMAS[name], `check ${name}`)]),
) as Record<CheckName, (v: unknown) => CheckSpec>;

function invalid(source: string, details: ErrorDetail[], parsed: YamlSource): never {
  const lined = withLines(details, parsed);
  throw opsError(
    'CAMPAIGN_INVALID',
    `${source}: ${lined.map((d) => `${d.line ? `line ${d.line}: ` : ''}${d.field ?? ''} ${d.reason}`.trim()).join('; ')}`,
    lined,
  );
}

/**
 * parseCampaign reads a campaign file (YAML or JSON) and refuses, with the line, anything that would record a
 * campaign TestLink cannot take or that proves nothing: an unknown check, a test case id not of the form
 * `PREFIX-N`, the same test case twice, a build name over 100 characters, a check's own settings misspelt.
 */
export function parseCampaign(text: string, source = 'campaign'): Campaign {
  const parsed = parseYamlWithLines<unknown>(text, source, 'CAMPAIGN_INVALID');
  let top: ReturnType<typeof validateTop>;
  try {
    top = validateTop(parsed.value);
  } catch (err) {
    if (!isOpsError(err)) throw err;
    return invalid(source, err.details, parsed);
  }
  const problems: ErrorDetail[] = [];
  const checks: CheckSpec[] = [];
  const seen = new Map<string, number>();
  top.checks.forEach((raw, i) => {
    const at = `/checks/${i}`;
    if (!CHECK_NAMES.includes(raw.check as CheckName)) {
      problems.push({
        field: `${at}/check`,
        reason: `unknown check "${raw.check}" (known: ${CHECK_NAMES.join(', ')})`,
      });
      return;
    }
    if (!TESTCASE_ID.test(raw.testcase))
      problems.push({
        field: `${at}/testcase`,
        reason: `"${raw.testcase}" is not a TestLink test case external id (PREFIX-N, e.g. CMP-12)`,
      });
    const before = seen.get(raw.testcase);
    if (before !== undefined)
      problems.push({
        field: `${at}/testcase`,
        reason: `${raw.testcase} is already the test case of checks[${before}]: one result per case and build`,
      });
    seen.set(raw.testcase, i);
    try {
      checks.push(validators[raw.check as CheckName](raw));
    } catch (err) {
      if (!isOpsError(err)) throw err;
      for (const d of err.details)
        problems.push({
          ...d,
          field: `${at}${d.field === '/' ? '' : (d.field ?? '')}`,
          reason: `${raw.check}: ${d.reason}`,
        });
    }
  });
  if (problems.length > 0) invalid(source, problems, parsed);
  return { testlink: top.testlink, checks };
}

/** resolveCampaign binds a campaign to a release; the build is the campaign's, else the release name. */
export function resolveCampaign(campaign: Campaign, release: string): ResolvedCampaign {
  if (!RELEASE_NAME.test(release)) {
    throw opsError(
      'CAMPAIGN_INVALID',
      `release "${release}" is not a release name (letters, digits, . _ + -, at most 100 characters)`,
      [{ field: 'release', reason: 'invalid release name' }],
    );
  }
  const build = campaign.testlink.build ?? release;
  if (build.length > BUILD_NAME_LIMIT)
    throw opsError(
      'CAMPAIGN_INVALID',
      `build name "${build.slice(0, 40)}…" has ${build.length} characters; TestLink takes ${BUILD_NAME_LIMIT}`,
      [{ field: '/testlink/build', reason: `longer than ${BUILD_NAME_LIMIT}` }],
    );
  return { ...campaign, release, build };
}
