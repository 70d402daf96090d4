import { startFunction } from '#lib/runtime/index.ts';
import { configSchema, createHandler, type IntegritySweepConfig } from './handler.ts';

await startFunction<IntegritySweepConfig>({ name: 'integrity-sweep', configSchema, build: (deps) => createHandler(deps) });
