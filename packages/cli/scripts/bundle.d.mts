import type { BuildOptions } from 'esbuild';

export const bundleDir: string;
export const external: string[];
export const bundleOptions: (outdir: string) => BuildOptions;
export const bundle: () => Promise<void>;
