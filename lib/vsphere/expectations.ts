import { isOpsError, opsError } from '#lib/runtime/errors.ts';
import { globToRegExp, SUBSYSTEM_PATTERNS_SCHEMA, type SubsystemPattern } from '#lib/text/index.ts';
import { compileValidator } from '#lib/runtime/validate.ts';
import { parseYamlWithLines, withLines } from '#lib/runtime/yaml.ts';

/**
 * VsphereExpectations is the operator's file (YAML or JSON): which VMs must run per subsystem, how other objects get
 * their subsystem label (first matching name pattern, as for backups), the datastore free-space thresholds and how
 * long a transient condition is tolerated before it alerts.
 */
export interface VsphereExpectations {
  /** expected maps a subsystem to the VM name globs (`sts-ingest-*`) that must be POWERED_ON. */
  expected: Record<string, string[]>;
  subsystems: SubsystemPattern[];
  datastores: DatastoreThresholds;
  /** tools checks guest tools on expected, powered-on VMs. */
  tools: boolean;
  /** holdMinutes is how long a condition must last before it alerts (a guest reboot stops its tools for a while). */
  holdMinutes: Partial<Record<'VMNotRunning' | 'VMHostDisconnected' | 'DatastoreLow' | 'VMToolsNotRunning', number>>;
}

/** DatastoreThresholds: a datastore is low under either warning threshold, critical under `criticalFreePercent`. */
export interface DatastoreThresholds {
  minFreePercent: number;
  minFreeGiB?: number;
  criticalFreePercent?: number;
  /** ignore lists datastore name globs never checked (local boot disks, ISO stores). */
  ignore: string[];
  /** overrides set other thresholds for datastores whose name matches (first match wins). */
  overrides: Array<{ pattern: string; minFreePercent?: number; minFreeGiB?: number; criticalFreePercent?: number }>;
}

/** DEFAULT_EXPECTATIONS apply when no file was given: no expected VM, datastores warned under 10 % free, critical under 5 %. */
export const DEFAULT_EXPECTATIONS: VsphereExpectations = {
  expected: {},
  subsystems: [],
  datastores: { minFreePercent: 10, criticalFreePercent: 5, ignore: [], overrides: [] },
  tools: true,
  holdMinutes: { VMToolsNotRunning: 10 },
};

const percent = { type: 'number', minimum: 0, maximum: 100 };
const glob = { type: 'string', minLength: 1 };
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    expected: { type: 'object', additionalProperties: { type: 'array', items: glob } },
    subsystems: SUBSYSTEM_PATTERNS_SCHEMA,
    datastores: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minFreePercent: percent,
        minFreeGiB: { type: 'number', minimum: 0 },
        criticalFreePercent: percent,
        ignore: { type: 'array', items: glob },
        overrides: {
          type: 'array',
          items: {
            type: 'object',
            required: ['pattern'],
            additionalProperties: false,
            properties: {
              pattern: glob,
              minFreePercent: percent,
              minFreeGiB: { type: 'number', minimum: 0 },
              criticalFreePercent: percent,
            },
          },
        },
      },
    },
    tools: { type: 'boolean' },
    holdMinutes: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        ['VMNotRunning', 'VMHostDisconnected', 'DatastoreLow', 'VMToolsNotRunning'].map((k) => [
          k,
          { type: 'number', minimum: 0 },
        ]),
      ),
    },
  },
};

const validateShape = compileValidator<Partial<VsphereExpectations>>(schema, 'vSphere expectations');

/** parseExpectations reads the expectations file; anything wrong is VSPHERE_EXPECTATIONS_INVALID with its line. */
export function parseExpectations(text: string, source = 'vSphere expectations'): VsphereExpectations {
  const parsed = parseYamlWithLines<unknown>(text, source, 'VSPHERE_EXPECTATIONS_INVALID');
  let raw: Partial<VsphereExpectations>;
  try {
    raw = validateShape(parsed.value ?? {});
  } catch (err) {
    if (!isOpsError(err)) throw err;
    throw opsError('VSPHERE_EXPECTATIONS_INVALID', `${source}: ${err.message}`, withLines(err.details, parsed));
  }
  const d = DEFAULT_EXPECTATIONS;
  return {
    expected: raw.expected ?? d.expected,
    subsystems: raw.subsystems ?? d.subsystems,
    datastores: { ...d.datastores, ...raw.datastores },
    tools: raw.tools ?? d.tools,
    holdMinutes: { ...d.holdMinutes, ...raw.holdMinutes },
  };
}

/** nameMatcher compiles a VM, host or datastore name glob; vCenter compares names ignoring case. */
export function nameMatcher(pattern: string): RegExp {
  return globToRegExp(pattern, { ignoreCase: true });
}
