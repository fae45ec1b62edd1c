import { Link, path } from '../../app/router.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Badge } from '../../components/status.tsx';
import type { ProjectShare } from '../../xnat/sharing.ts';

/** The Projects tab (seed 000): the owner project of an item, then every project it is shared into. */
export function ProjectsTab({ shares, kind }: { readonly shares: readonly ProjectShare[]; readonly kind: 'subjects' | 'experiments' }) {
  const noun = kind === 'subjects' ? 'subject' : 'session';
  return (
    <section className="panel" aria-labelledby="projects-tab-heading">
      <h2 id="projects-tab-heading">Projects</h2>
      <p className="muted">
        This {noun} belongs to {shares[0]?.project ?? 'its owner project'}. {shares.length > 1
          ? `It is shared into ${shares.length - 1} other project${shares.length === 2 ? '' : 's'}, where it can be read but changed only through ${shares[0]?.project}.`
          : 'It is not shared into any other project.'}
      </p>
      <DataTable<ProjectShare>
        label="Projects of this item" testId="projects-tab-table" rows={shares} rowKey={(s) => s.project} empty="No project information."
        columns={[
          { key: 'project', header: 'Project', render: (s) => <Link to={path('projects', s.project)}>{s.name || s.project}</Link> },
          { key: 'id', header: 'ID', render: (s) => s.project },
          { key: 'label', header: `Label there`, render: (s) => <Link to={path('projects', s.project, kind, s.label)}>{s.label}</Link> },
          { key: 'role', header: 'Relation', render: (s) => (s.isOwner ? <Badge tone="ok">Owner</Badge> : <Badge tone="shared">Shared into</Badge>) },
        ]}
      />
    </section>
  );
}
