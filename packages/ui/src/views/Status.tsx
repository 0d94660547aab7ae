import { STATUS_MARK, statusClass } from '../format.js';

/** A status as a coloured badge with its mark and its name (colour is never the only signal). */
export const Status = ({ status }: { status: string }) => (
  <span class={`badge ${statusClass(status)}`}>
    <span aria-hidden="true">{STATUS_MARK[status] ?? '•'}</span> {status}
  </span>
);
