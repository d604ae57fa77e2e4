import { useEffect } from 'react';

/** Sets the tab title (`Users · Acme · Atrium`), which screen readers announce on navigation. */
export function useDocumentTitle(...parts: Array<string | undefined | null>) {
  const title = [...parts.filter(Boolean), 'Atrium'].join(' · ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}
