export * from './types';
export * from './units';
export * from './random';
export * from './load';
export * from './plan';
export * from './version-name';
