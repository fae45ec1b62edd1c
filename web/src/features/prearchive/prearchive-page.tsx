import { Link, setQuery, useLocation } from '../../app/router.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { formatBytes } from '../../lib/format.ts';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { listPrearchive, type PrearchiveEntry } from '../../xnat/prearchive.ts';
import { canCreate, listAccessibleProjects } from '../../xnat/projects.ts';
import { StatusBadge } from './status-badge.tsx';

/** Sessions waiting in the prearchive, by project, with their status. */
export function PrearchivePage() {
  useTitle('Prearchive');
  const { query } = useLocation();
  const project = query.get('project') ?? undefined;
  const projects = useLoad(async (signal) => (await listAccessibleProjects(signal)).filter((p) => canCreate(p.role)), []);
  const entries = useLoad((signal) => listPrearchive(project, signal), [project]);
  return (
    <>
      <PageHeader title="Prearchive" kicker="Uploads waiting for review" crumbs={[{ label: 'Home', to: '/' }, { label: 'Prearchive' }]}
        actions={<button type="button" className="button secondary" onClick={entries.reload}>Refresh</button>} />
      <section className="panel">
        <div className="filter-row">
          <label htmlFor="prearchive-project">Project</label>
          <select id="prearchive-project" value={project ?? ''} onChange={(e) => setQuery({ project: e.target.value || undefined }, { push: true })}>
            <option value="">All my projects</option>
            {(projects.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}
          </select>
        </div>
        <LoadState load={entries} what="Loading the prearchive">{(rows) => (
          <DataTable<PrearchiveEntry>
            label="Prearchive sessions" testId="prearchive-table" rows={rows} rowKey={(r) => r.src}
            empty={project ? `Nothing from ${project} is waiting in the prearchive.` : 'Nothing is waiting in the prearchive.'}
            rowClassName={(r) => (/CONFLICT|ERROR/.test(r.status) ? 'problem-row' : undefined)}
            columns={[
              { key: 'project', header: 'Project', render: (r) => r.project },
              { key: 'subject', header: 'Subject', render: (r) => r.subject },
              { key: 'session', header: 'Session', render: (r) => <Link to={`/prearchive/${encodeURIComponent(r.project)}/${encodeURIComponent(r.timestamp)}/${encodeURIComponent(r.folder)}`}>{r.session || r.folder}</Link> },
              { key: 'date', header: 'Scan date', render: (r) => r.scanDate },
              { key: 'uploaded', header: 'Uploaded', render: (r) => r.uploaded.slice(0, 19) },
              { key: 'scans', header: 'Scans', render: (r) => (r.status === 'RECEIVING' ? '' : String(r.scans)) },
              { key: 'files', header: 'Files', render: (r) => (r.status === 'RECEIVING' ? '' : `${r.files} (${formatBytes(r.bytes)})`) },
              { key: 'status', header: 'Status', render: (r) => <><StatusBadge status={r.status} />{r.message && <div className="muted reason">{r.message}</div>}</> },
            ]}
          />
        )}</LoadState>
      </section>
    </>
  );
}
