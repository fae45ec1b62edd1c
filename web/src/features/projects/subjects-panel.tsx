import { useEffect, useState, type FormEvent } from 'react';
import { Link, navigate, path, setQuery, useLocation } from '../../app/router.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Pager } from '../../components/pager.tsx';
import { Badge, ErrorText, Loading } from '../../components/status.tsx';
import { useLoad } from '../../lib/use-load.ts';
import { canCreate, type ProjectSummary } from '../../xnat/projects.ts';
import { createSubject, listSubjects, type SubjectRow } from '../../xnat/subjects.ts';
import { BulkAddSubjects } from './bulk-add-subjects.tsx';

const PAGE_SIZE = 50;

/** The subjects table: label, sessions, shared marker; paged and filtered through the address. */
export function SubjectsPanel({ project, onChange }: { readonly project: ProjectSummary; readonly onChange: () => void }) {
  const { query } = useLocation();
  const filter = query.get('q') ?? '';
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const [typed, setTyped] = useState(filter);
  const [bulk, setBulk] = useState(false);
  const load = useLoad((signal) => listSubjects(project.id, { offset, limit: PAGE_SIZE, filter }, signal), [project.id, offset, filter]);

  // Filter as the user types, without a history entry per keystroke.
  useEffect(() => {
    if (typed === filter) return;
    const timer = setTimeout(() => setQuery({ q: typed.trim() || undefined, offset: undefined }), 250);
    return () => clearTimeout(timer);
  }, [typed, filter]);

  const rows = load.data?.rows ?? [];
  const refresh = () => {
    load.reload();
    onChange();
  };
  return (
    <section className="panel" aria-labelledby="subjects-heading">
      <div className="panel-head">
        <h2 id="subjects-heading">Subjects</h2>
        {canCreate(project.role) && (
          <div className="panel-actions">
            <button type="button" className="button secondary" onClick={() => setBulk(true)}>Add subjects from a spreadsheet</button>
          </div>
        )}
      </div>
      {canCreate(project.role) && <CreateSubjectForm project={project.id} />}
      <div className="filter-row">
        <label htmlFor="subject-filter">Filter by label</label>
        <input id="subject-filter" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="e.g. S01" />
      </div>
      {load.error && <ErrorText message={load.error.message} />}
      {load.loading && !load.data ? <Loading what="Loading subjects" /> : (
        <>
          <DataTable<SubjectRow>
            label={`Subjects of ${project.id}`} testId="subjects-table" rows={rows} rowKey={(r) => r.id}
            rowClassName={(r) => (r.shared ? 'shared-row' : undefined)}
            rowTitle={(r) => (r.shared ? `Shared into ${project.id} from ${r.ownerProject}; it can be changed only there.` : undefined)}
            empty={filter ? `No subject label contains “${filter}”.` : 'This project has no subjects yet.'}
            columns={[
              { key: 'label', header: 'Label', render: (r) => <Link to={path('projects', project.id, 'subjects', r.label)}>{r.label}</Link> },
              { key: 'sessions', header: 'Sessions', numeric: true, render: (r) => r.sessions },
              { key: 'group', header: 'Group', render: (r) => r.group },
              { key: 'gender', header: 'Gender', render: (r) => r.gender },
              { key: 'shared', header: 'Owner', render: (r) => (r.shared ? <Badge tone="shared">Shared from {r.ownerProject}</Badge> : <span className="muted">{project.id}</span>) },
            ]}
          />
          <Pager offset={offset} shown={rows.length} pageSize={PAGE_SIZE} hasMore={load.data?.hasMore ?? false}
            total={filter ? undefined : project.subjectCount} onChange={(o) => setQuery({ offset: o ? String(o) : undefined }, { push: true })} />
        </>
      )}
      {bulk && <BulkAddSubjects project={project.id} onClose={() => setBulk(false)} onAdded={refresh} />}
    </section>
  );
}

function CreateSubjectForm({ project }: { readonly project: string }) {
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const wanted = label.trim();
    if (!wanted) {
      setError('Enter a label for the new subject.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await createSubject(project, wanted);
      navigate(path('projects', project, 'subjects', wanted));
    } catch (err) {
      setError((err as { status?: number }).status === 409 ? `A subject labelled ${wanted} already exists in ${project}.` : (err as Error).message);
      setBusy(false);
    }
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Create a subject" noValidate>
      <label htmlFor="new-subject-label">New subject</label>
      <input id="new-subject-label" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Label, e.g. S042"
        aria-invalid={error ? true : undefined} aria-describedby={error ? 'new-subject-error' : undefined} />
      <button type="submit" className="button" disabled={busy}>{busy ? 'Creating…' : 'Create subject'}</button>
      <ErrorText message={error} id="new-subject-error" />
    </form>
  );
}
