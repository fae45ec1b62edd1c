import { useState } from 'react';
import { Link, path, setQuery, useLocation } from '../../app/router.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { EditableFields } from '../../components/editable-fields.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Badge, ErrorText, FieldList, Loading, Notice } from '../../components/status.tsx';
import { TabPanel, Tabs } from '../../components/tabs.tsx';
import { describeType } from '../../lib/format.ts';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { canCreate, getProject, type ProjectSummary } from '../../xnat/projects.ts';
import { listSubjectSessions, type SessionRow } from '../../xnat/sessions.ts';
import { subjectShares } from '../../xnat/sharing.ts';
import { getSubject, SUBJECT_FIELDS, updateSubject, type SubjectDetail } from '../../xnat/subjects.ts';
import { ProjectsTab } from '../sharing/projects-tab.tsx';
import { ShareInto } from '../sharing/share-into.tsx';
import { SharingManager } from '../sharing/sharing-manager.tsx';

/** A subject in a project: demographics, its sessions (shared ones highlighted), and where it is shared. */
export function SubjectPage({ project, subject }: { readonly project: string; readonly subject: string }) {
  const load = useLoad(async (signal) => {
    const [p, s] = await Promise.all([getProject(project, signal), getSubject(project, subject, signal)]);
    return { project: p, subject: s };
  }, [project, subject]);
  useTitle(load.data ? `${load.data.subject.label} · ${load.data.project.id}` : subject);
  return <LoadState load={load} what="Loading subject">{(d) => <SubjectView project={d.project} subject={d.subject} reload={load.reload} />}</LoadState>;
}

function SubjectView({ project, subject, reload }: { readonly project: ProjectSummary; readonly subject: SubjectDetail; readonly reload: () => Promise<void> }) {
  const { query } = useLocation();
  const tab = query.get('tab') === 'projects' ? 'projects' : 'details';
  const sessions = useLoad((signal) => listSubjectSessions(project.id, subject.label, signal), [project.id, subject.id]);
  const shares = useLoad((signal) => subjectShares(project.id, subject.label, signal), [project.id, subject.id]);
  const [sharingInto, setSharingInto] = useState<string>();
  const [sharedNote, setSharedNote] = useState<string>();
  const shared = subject.ownerProject !== project.id;

  const afterShare = () => {
    setSharedNote(`Shared into ${sharingInto}.`);
    setSharingInto(undefined);
    void reload();
    void sessions.reload();
    void shares.reload();
    setQuery({ tab: 'projects' });
  };

  return (
    <>
      <PageHeader
        title={subject.label} kicker="Subject"
        crumbs={[{ label: 'Home', to: '/' }, { label: project.id, to: path('projects', project.id) }, { label: subject.label }]}
        badges={shared ? <Badge tone="shared" title="Owned by another project; read-only here">Shared from {subject.ownerProject}</Badge> : undefined}
        actions={shares.data && <ShareInto exclude={shares.data.map((s) => s.project)} onShare={setSharingInto} />}
      >
        <FieldList items={[{ label: 'Accession ID', value: subject.id }, { label: 'Owner project', value: subject.ownerProject }]} />
      </PageHeader>
      {sharedNote && <Notice>{sharedNote}</Notice>}
      <Tabs label="Subject sections" active={tab} tabs={[{ id: 'details', label: 'Details' }, { id: 'projects', label: 'Projects' }]}
        onSelect={(id) => setQuery({ tab: id === 'details' ? undefined : id }, { push: true })} />
      {tab === 'projects' ? (
        <TabPanel id="projects"><LoadState load={shares} what="Loading projects">{(list) => <ProjectsTab shares={list} kind="subjects" />}</LoadState></TabPanel>
      ) : (
        <TabPanel id="details">
          <div className="two-col">
            <Demographics project={project} subject={subject} shared={shared} onSaved={reload} />
            <SubjectSessions project={project.id} rows={sessions.data} error={sessions.error?.message} />
          </div>
        </TabPanel>
      )}
      {sharingInto && (
        <SharingManager
          source={project.id} subjectLabel={subject.label} destination={sharingInto}
          sessions={(sessions.data ?? []).map((s) => ({ label: s.label, xsiType: s.xsiType, date: s.date }))}
          onClose={() => setSharingInto(undefined)} onShared={afterShare}
        />
      )}
    </>
  );
}

function Demographics({ project, subject, shared, onSaved }: { readonly project: ProjectSummary; readonly subject: SubjectDetail; readonly shared: boolean; readonly onSaved: () => Promise<void> }) {
  return (
    <EditableFields
      title="Demographics" editLabel="Edit" idPrefix="subject" fields={SUBJECT_FIELDS} values={subject.fields}
      editable={!shared && canCreate(project.role)} note={shared ? `Shared from ${subject.ownerProject}: change these details there.` : undefined}
      onSave={async (changes) => {
        await updateSubject(project.id, subject.label, changes);
        await onSaved();
      }}
    />
  );
}

function SubjectSessions({ project, rows, error }: { readonly project: string; readonly rows: readonly SessionRow[] | undefined; readonly error?: string }) {
  const anyShared = rows?.some((r) => r.shared);
  return (
    <section className="panel" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      <ErrorText message={error} />
      {!rows && !error && <Loading what="Loading sessions" />}
      {rows && (
        <>
          {anyShared && <p className="legend"><span className="swatch shared-swatch" aria-hidden="true" /> Highlighted sessions are shared into {project} from another project: they are not owned here and can be changed only there.</p>}
          <DataTable<SessionRow>
            label="Sessions of this subject" testId="subject-sessions" rows={rows} rowKey={(r) => r.id} empty="No sessions yet."
            rowClassName={(r) => (r.shared ? 'shared-row' : undefined)}
            rowTitle={(r) => (r.shared ? `Shared from ${r.ownerProject}` : undefined)}
            columns={[
              { key: 'label', header: 'Session', render: (r) => <Link to={path('projects', project, 'experiments', r.label)}>{r.label}</Link> },
              { key: 'date', header: 'Date', render: (r) => r.date },
              { key: 'type', header: 'Type', render: (r) => describeType(r.xsiType) },
              { key: 'owner', header: 'Owner', render: (r) => (r.shared ? <Badge tone="shared">Shared from {r.ownerProject}</Badge> : <span className="muted">{project}</span>) },
            ]}
          />
        </>
      )}
    </section>
  );
}
