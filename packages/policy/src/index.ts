/**
 * `@atrium/policy` — the pure permission model of Atrium: catalog, levels,
 * matrices, presets, policies (caps), `decide()`, `explain()`, capabilities
 * and the compiled index. Zero runtime dependencies, no I/O.
 *
 * @example
 * ```ts
 * import { decide, compile, parseMatrix } from '@atrium/policy';
 * ```
 *
 * @module
 */

export * from './capabilities';
export * from './catalog';
export * from './compiled';
export * from './decide';
export * from './grants';
export * from './matrix';
export * from './policies';
export * from './presets';
export * from './state';
