/**
 * Docker's `.dockerignore` rules, through `@balena/dockerignore` (a port of Docker's own
 * matcher): patterns relative to the build context, `*` within one path segment, `**` across
 * segments, `!` re-including, a leading `/` meaning the same as none, and a matched directory
 * excluding everything below it.
 */
import dockerignoreModule from '@balena/dockerignore';

// The package is CommonJS with a `export default` declaration: under NodeNext the default
// import is the module object at type level, the factory at run time.
type Factory = (options?: { ignorecase?: boolean }) => { add(p: string | string[]): unknown; ignores(path: string): boolean };
const factory: Factory =
  typeof dockerignoreModule === 'function'
    ? (dockerignoreModule as unknown as Factory)
    : ((dockerignoreModule as unknown as { default: Factory }).default);

/** The lines of a `.dockerignore` file as Docker reads them: `#` comments and blank lines dropped. */
export const parseDockerignore = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

/** A predicate keeping the context-relative paths Docker would send. */
export const dockerignoreFilter = (text: string | undefined): ((contextPath: string) => boolean) => {
  const patterns = text === undefined ? [] : parseDockerignore(text);
  if (patterns.length === 0) return () => true;
  const ig = factory({ ignorecase: false });
  ig.add(patterns);
  return (p) => !ig.ignores(p);
};
