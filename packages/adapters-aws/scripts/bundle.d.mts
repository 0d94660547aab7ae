/** Types of bundle.mjs for TypeScript callers (the bench). */
export declare const handlers: readonly string[];
export declare const bundleAll: () => Promise<Record<string, number>>;
