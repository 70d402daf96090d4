export * from './objects.ts';
export * from './image-ref.ts';
export * from './release.ts';
export * from './findings.ts';
export * from './health.ts';
export * from './image-integrity.ts';
export * from './watch.ts';
