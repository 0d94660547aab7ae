/** A counting semaphore: at most `size` jobs at once, the rest wait in order. `--parallel N`. */
export interface Slots {
  /** Runs `f` when a slot frees; `cancel` drops it if it has not started. */
  readonly submit: (f: () => Promise<void>) => { readonly cancel: () => boolean };
}

export const slots = (size: number): Slots => {
  let busy = 0;
  const waiting: { f: () => Promise<void>; dropped: boolean }[] = [];
  const next = () => {
    while (busy < size && waiting.length > 0) {
      const item = waiting.shift()!;
      if (item.dropped) continue;
      busy++;
      void item.f().finally(() => {
        busy--;
        next();
      });
    }
  };
  return {
    submit: (f) => {
      const item = { f, dropped: false };
      waiting.push(item);
      next();
      return {
        cancel: () => {
          if (!waiting.includes(item)) return false;
          item.dropped = true;
          return true;
        },
      };
    },
  };
};
