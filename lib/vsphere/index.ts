export * from './inventory.ts';
export * from './expectations.ts';
export * from './findings.ts';
export * from './watch.ts';
export {
  createVsphereClient,
  vapiError,
  type VsphereClient,
  type VsphereClientOptions,
  type VsphereDialect,
  type VmFilter,
} from './client.ts';
export { readInventory, listAllVms } from './reader.ts';
