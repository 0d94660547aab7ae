/** `1 job`, `2 jobs`, `0 jobs`: a count with its noun, for people. `many` for nouns that do not just add an s (`1 retry`, `2 retries`). */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
