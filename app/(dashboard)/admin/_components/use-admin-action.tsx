'use client';
// What the admin forms and row buttons share: one action at a time, its error shown, the page re-rendered after.
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import styles from '../admin.module.css';

export function useAdminAction() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Until React has hydrated, a click would submit the form natively (a GET that drops what was typed): the
  // controls stay disabled until the handlers are attached.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  /** Runs `fn` with the controls disabled, then refreshes the server-rendered lists; a failure's message is kept. */
  async function act(fn: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  /** A form's submit handler: `fn` gets the form's fields; the form is cleared when it succeeds (unless `reset: false`). */
  function submit(fn: (form: FormData) => Promise<void>, { reset = true } = {}) {
    return (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      const target = e.currentTarget;
      const form = new FormData(target);
      void act(async () => {
        await fn(form);
        if (reset) target.reset();
      });
    };
  }

  return { busy: busy || !hydrated, error, act, submit };
}

export function ActionError({ error }: { error: string | null }) {
  return error ? (
    <p className={styles.error} role="alert">
      {error}
    </p>
  ) : null;
}
