import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

/** A modal question: Escape or "Keep it" says no; focus starts on the safe answer. */
export const Confirm = ({ title, children, yes, onYes, onNo }: { title: string; children: ComponentChildren; yes: string; onYes: () => void; onNo: () => void }) => {
  const ref = useRef<HTMLDialogElement>(null);
  const no = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    ref.current?.showModal();
    no.current?.focus();
  }, []);
  return (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-title" onCancel={(e) => { e.preventDefault(); onNo(); }}>
      <h2 id="confirm-title">{title}</h2>
      <div>{children}</div>
      <div class="buttons">
        <button type="button" ref={no} onClick={onNo}>Keep it</button>
        <button type="button" class="danger" onClick={onYes}>{yes}</button>
      </div>
    </dialog>
  );
};
