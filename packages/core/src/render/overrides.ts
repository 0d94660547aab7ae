/**
 * RunTask overrides for task `index` of `total`: every container gets `TASK_INDEX` (1..N) and
 * `TASK_TOTAL_SIZE` (N). Overrides add to the task definition's environment (ECS merges them,
 * the override winning on a name clash), so the user's own variables stay.
 */
export interface RunTaskOverrides {
  readonly containerOverrides: readonly {
    readonly name: string;
    readonly environment: readonly { readonly name: string; readonly value: string }[];
  }[];
}

/** RunTask allows 8,192 characters of overrides, JSON included (ECS API Reference, RunTask `overrides`; 2026-11-22). */
export const MAX_OVERRIDES_CHARACTERS = 8192;

export const taskOverrides = (
  taskDefinition: { readonly containerDefinitions: readonly { readonly name: string }[] },
  index: number,
  total: number,
  /** More variables for every container: the run's `HYPERP_INPUT_<NAME>`s. */
  extra: readonly { readonly name: string; readonly value: string }[] = [],
): RunTaskOverrides => ({
  containerOverrides: taskDefinition.containerDefinitions.map((c) => ({
    name: c.name,
    environment: [
      { name: 'TASK_INDEX', value: String(index) },
      { name: 'TASK_TOTAL_SIZE', value: String(total) },
      ...extra,
    ],
  })),
});
