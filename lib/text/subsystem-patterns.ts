/** SubsystemPattern maps names matching a glob (a path, a client, a VM) to an operations subsystem label. */
export interface SubsystemPattern {
  pattern: string;
  subsystem: string;
}

/** SUBSYSTEM_PATTERNS_SCHEMA is the JSON schema of a SubsystemPattern list, shared by every function's config. */
export const SUBSYSTEM_PATTERNS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['pattern', 'subsystem'],
    additionalProperties: false,
    properties: { pattern: { type: 'string', minLength: 1 }, subsystem: { type: 'string', minLength: 1 } },
  },
};
