// Checks (or, with --update, rewrites) the reviewed API reports of @hyperp/core's documented
// entry points: etc/core.api.md for `@hyperp/core` and etc/core-sim.api.md for
// `@hyperp/core/sim`. Declarations are emitted from src into a temporary folder first, so the
// check reads what the source says, not a dist/ left over from an earlier build.
// `@hyperp/core/internal` has no report: it is unstable by contract.
//   pnpm api:check      fails when the API differs from a report
//   pnpm api:update     records the API in the reports (review the diff before committing)
import { Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from '@microsoft/api-extractor';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The documented entry points: the .d.ts each is read from (under the emitted folder) and its
 * report. The main entry comes first: the others may name its types without exporting them again.
 */
export const entryPoints = [
  { name: '@hyperp/core', dts: 'index.d.ts', report: 'core.api.md' },
  { name: '@hyperp/core/sim', dts: 'sim/index.d.ts', report: 'core-sim.api.md' },
] as const;

const exportLine = /^export (?:declare )?(?:interface|type|function|const|class|namespace|enum) (\w+)/gm;
/** Names a report declares at its top level. */
const declaredIn = (report: string): Set<string> => new Set([...report.replaceAll('\r', '').matchAll(exportLine)].map((m) => m[1]!));
/** Top-level exports the report marks undocumented (members are indented; only exports must be documented). */
const undocumentedIn = (report: string): string[] =>
  [...report.replaceAll('\r', '').matchAll(/^\/\/ @public \(undocumented\)\n(?:\/\/ .*\n)*export (?:declare )?(?:interface|type|function|const|class|namespace|enum) (\w+)/gm)]
    .map((m) => m[1]!);

/** Emits the declarations of core's sources into a new temporary folder, which the caller removes. */
export const emitDeclarations = (): string => {
  const out = mkdtempSync(join(tmpdir(), 'hyperp-core-dts-'));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [
    tsc, '-p', join(pkg, 'tsconfig.json'), '--emitDeclarationOnly', '--outDir', out,
    '--declarationMap', 'false', '--sourceMap', 'false', '--composite', 'false', '--incremental', 'false', '--tsBuildInfoFile', 'null',
  ], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc could not emit the declarations of @hyperp/core:\n${r.stdout}${r.stderr}`);
  return out;
};

export interface EntryResult {
  readonly entry: string;
  readonly report: string;
  readonly ok: boolean;
  readonly errors: number;
  readonly undocumented: readonly string[];
  readonly changed: boolean;
}

export interface ReportOptions {
  /** Rewrite the reports instead of checking them. */
  readonly update?: boolean;
  /** Declarations emitted by `emitDeclarations`; emitted (and removed) here when left out. */
  readonly declarations?: string;
  /** Where the reviewed reports are: packages/core/etc by default. */
  readonly reportFolder?: string;
  readonly log?: (line: string) => void;
}

/**
 * Runs API Extractor on every entry point. Fails (ok false) when a report differs from the API
 * (unless updating), when a public signature names a type its entry point does not export, or
 * when a top-level export has no documentation comment.
 */
export const apiReport = (o: ReportOptions = {}): { readonly ok: boolean; readonly results: readonly EntryResult[] } => {
  const update = o.update ?? false;
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const out = o.declarations ?? emitDeclarations();
  const temp = mkdtempSync(join(tmpdir(), 'hyperp-core-api-'));
  try {
    const base: IConfigFile = ExtractorConfig.loadFile(join(pkg, 'api-extractor.json'));
    let mainNames = new Set<string>();
    const results = entryPoints.map((e): EntryResult => {
      const config = ExtractorConfig.prepare({
        configObject: {
          ...base,
          projectFolder: pkg,
          mainEntryPointFilePath: join(out, e.dts),
          apiReport: { ...base.apiReport!, enabled: true, reportFileName: e.report, reportFolder: o.reportFolder ?? join(pkg, 'etc'), reportTempFolder: temp },
        },
        configObjectFullPath: join(pkg, 'api-extractor.json'),
        packageJsonFullPath: join(pkg, 'package.json'),
      });
      const messages: string[] = [];
      const result = Extractor.invoke(config, {
        localBuild: update,
        messageCallback: (m) => {
          // A subpath may name the main entry's types: a user imports them from there.
          const named = m.messageId === 'ae-forgotten-export' ? /The symbol "(\w+)"/.exec(m.text)?.[1] : undefined;
          if (named !== undefined && e !== entryPoints[0] && mainNames.has(named)) m.logLevel = ExtractorLogLevel.None;
          if (m.logLevel === ExtractorLogLevel.Error) messages.push(`${e.name}: ${m.formatMessageWithLocation(pkg)}`);
          m.handled = true;
        },
      });
      const report = readFileSync(join(temp, e.report), 'utf8');
      if (e === entryPoints[0]) mainNames = declaredIn(report);
      const undocumented = undocumentedIn(report);
      for (const name of undocumented) messages.push(`${e.name}: ${name} has no documentation comment (say what it is and when to use it)`);
      for (const line of messages) log(line);
      const changed = result.apiReportChanged && !update;
      if (changed) {
        log(`${e.name}: its public API differs from packages/core/etc/${e.report}; review the change and run \`pnpm api:update\` to record it`);
      }
      return {
        entry: e.name, report: e.report, ok: result.errorCount === 0 && undocumented.length === 0 && !changed,
        errors: result.errorCount, undocumented, changed: result.apiReportChanged,
      };
    });
    return { ok: results.every((r) => r.ok), results };
  } finally {
    rmSync(temp, { recursive: true, force: true });
    if (o.declarations === undefined) rmSync(out, { recursive: true, force: true });
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = apiReport({ update: process.argv.includes('--update') });
  for (const x of r.results) {
    process.stderr.write(`${x.entry}: ${x.ok ? 'ok' : 'FAILED'} (${x.errors} errors, ${x.undocumented.length} undocumented${x.changed ? ', report changed' : ''})\n`);
  }
  process.exit(r.ok ? 0 : 1);
}
