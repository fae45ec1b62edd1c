import { useState } from 'react';
import { useLoad } from '../../lib/use-load.ts';
import { listOwnedProjects } from '../../xnat/projects.ts';

/**
 * The Share Into menu: only projects the user owns, minus those that already have the item. With
 * nothing to offer it shows nothing (a collaborator who owns no project sees no Share Into).
 */
export function ShareInto({ exclude, onShare }: { readonly exclude: readonly string[]; readonly onShare: (destination: string) => void }) {
  const owned = useLoad((signal) => listOwnedProjects(signal), []);
  const [choice, setChoice] = useState('');
  const options = (owned.data ?? []).filter((p) => !exclude.includes(p.id));
  if (options.length === 0) return null;
  const selected = options.some((p) => p.id === choice) ? choice : (options[0]?.id ?? '');
  return (
    <div className="share-into" role="group" aria-label="Share into another project">
      <label htmlFor="share-into-select">Share into</label>
      <select id="share-into-select" value={selected} onChange={(e) => setChoice(e.target.value)}>
        {options.map((p) => <option key={p.id} value={p.id}>{p.id}{p.name && p.name !== p.id ? ` – ${p.name}` : ''}</option>)}
      </select>
      <button type="button" className="button" onClick={() => onShare(selected)}>Share</button>
    </div>
  );
}
