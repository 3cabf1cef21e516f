// Types of bin/cli-bundle.mjs, for the TypeScript that imports it (its test).
/** Packages left out of the bundle, imported from node_modules at run time. */
export declare const EXTERNAL: string[];
/** Import `entry` (a .ts file) from its cached bundle, building the bundle first where it is missing or stale. */
export declare function importBundled(entry: string): Promise<Record<string, unknown>>;
