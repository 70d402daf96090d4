export * from './state.ts';
export * from './dispatch.ts';
export * from './silences.ts';
export * from './inhibit.ts';
export * from './time-mute.ts';
export * from './outbox.ts';
export * from './senders.ts';
export * from './router-store.ts';
