import { useEffect, useState } from 'react';
import { navigate, path } from '../../app/router.tsx';
import { ErrorText, Loading } from '../../components/status.tsx';
import { getItem } from '../../xnat/item.ts';

/**
 * `/subjects/{ID}` and `/experiments/{ID}` (XNAT links that name no project): looks the item up by
 * accession ID and opens it in its owner project.
 */
export function OpenByIdPage({ kind, id }: { readonly kind: 'subjects' | 'experiments'; readonly id: string }) {
  const [error, setError] = useState<string>();
  useEffect(() => {
    getItem(`/data/${kind}/${encodeURIComponent(id)}`).then(
      (item) => navigate(path('projects', item.fields.project ?? '', kind, item.fields.label ?? id), { replace: true }),
      (e: Error) => setError(e.message),
    );
  }, [kind, id]);
  return error ? <section className="panel"><ErrorText message={error} /></section> : <Loading what={`Finding the ${kind === 'subjects' ? 'subject' : 'session'}`} />;
}
