/** Types of bundle.mjs for TypeScript callers (the bench). */
export declare const handlers: readonly string[];
export declare const bundleAll: () => Promise<Record<string, number>>;
/** One handler's bundle, unminified, with esbuild's `// path` line before each module's code. */
export declare const bundleText: (name: string) => Promise<string>;
