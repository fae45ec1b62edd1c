import { useState } from 'react';
import { path, setQuery, useLocation } from '../../app/router.tsx';
import { EditableFields } from '../../components/editable-fields.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Badge, FieldList, Notice } from '../../components/status.tsx';
import { TabPanel, Tabs } from '../../components/tabs.tsx';
import { describeType } from '../../lib/format.ts';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { canCreate, getProject, type ProjectSummary } from '../../xnat/projects.ts';
import { getSession, SESSION_FIELDS, updateSession, type SessionDetail } from '../../xnat/sessions.ts';
import { sessionShares, subjectShares } from '../../xnat/sharing.ts';
import { getSubject, type SubjectDetail } from '../../xnat/subjects.ts';
import { ProjectsTab } from '../sharing/projects-tab.tsx';
import { ShareInto } from '../sharing/share-into.tsx';
import { SharingManager } from '../sharing/sharing-manager.tsx';
import { ResourcesPanel } from './resources-panel.tsx';
import { ScansPanel } from './scans-panel.tsx';

/** An imaging session: its fields, scans with file counts and sizes, resources, and sharing. */
export function SessionPage({ project, session }: { readonly project: string; readonly session: string }) {
  const load = useLoad(async (signal) => {
    const [p, s] = await Promise.all([getProject(project, signal), getSession(project, session, signal)]);
    const subject = await getSubject(p.id, s.subjectId, signal);
    return { project: p, session: s, subject };
  }, [project, session]);
  useTitle(load.data ? `${load.data.session.label} · ${load.data.project.id}` : session);
  return <LoadState load={load} what="Loading session">{(d) => <SessionView {...d} reload={load.reload} />}</LoadState>;
}

function SessionView({ project, session, subject, reload }: {
  readonly project: ProjectSummary; readonly session: SessionDetail; readonly subject: SubjectDetail; readonly reload: () => Promise<void>;
}) {
  const { query } = useLocation();
  const wanted = query.get('tab');
  const tab = wanted === 'resources' || wanted === 'projects' ? wanted : 'scans';
  const shares = useLoad((signal) => sessionShares(project.id, session.label, signal), [project.id, session.id]);
  const subjectIn = useLoad((signal) => subjectShares(project.id, subject.label, signal), [project.id, subject.id]);
  const [sharingInto, setSharingInto] = useState<string>();
  const [note, setNote] = useState<string>();
  const shared = session.ownerProject !== project.id;

  return (
    <>
      <PageHeader
        title={session.label} kicker={describeType(session.xsiType)}
        crumbs={[{ label: 'Home', to: '/' }, { label: project.id, to: path('projects', project.id) },
          { label: subject.label, to: path('projects', project.id, 'subjects', subject.label) }, { label: session.label }]}
        badges={shared ? <Badge tone="shared" title="Owned by another project; read-only here">Shared from {session.ownerProject}</Badge> : undefined}
        actions={shares.data && <ShareInto exclude={shares.data.map((s) => s.project)} onShare={setSharingInto} />}
      />
      {note && <Notice>{note}</Notice>}
      <div className="two-col">
        <SessionFields project={project} session={session} shared={shared} onSaved={reload} />
        <section className="panel" aria-labelledby="session-ids-heading">
          <h2 id="session-ids-heading">Identifiers</h2>
          <FieldList items={[
            { label: 'Accession ID', value: session.id },
            { label: 'Subject', value: subject.label },
            { label: 'Owner project', value: session.ownerProject },
            { label: 'Study Instance UID', value: session.fields.UID ?? '' },
            { label: 'Modality', value: session.fields.modality ?? '' },
          ]} />
        </section>
      </div>
      <Tabs label="Session sections" active={tab} tabs={[{ id: 'scans', label: 'Scans' }, { id: 'resources', label: 'Resources' }, { id: 'projects', label: 'Projects' }]}
        onSelect={(id) => setQuery({ tab: id === 'scans' ? undefined : id }, { push: true })} />
      {tab === 'scans' && <TabPanel id="scans"><ScansPanel project={project.id} session={session} /></TabPanel>}
      {tab === 'resources' && <TabPanel id="resources"><ResourcesPanel project={project.id} session={session} /></TabPanel>}
      {tab === 'projects' && (
        <TabPanel id="projects"><LoadState load={shares} what="Loading projects">{(list) => <ProjectsTab shares={list} kind="experiments" />}</LoadState></TabPanel>
      )}
      {sharingInto && subjectIn.data && (
        <SharingManager
          source={project.id} subjectLabel={subject.label} destination={sharingInto} fixedSessions
          subjectInDestination={subjectIn.data.find((s) => s.project === sharingInto)?.label}
          sessions={[{ label: session.label, xsiType: session.xsiType, date: session.fields.date ?? '' }]}
          onClose={() => setSharingInto(undefined)}
          onShared={() => {
            setNote(`Shared into ${sharingInto}.`);
            setSharingInto(undefined);
            void shares.reload();
            void subjectIn.reload();
            setQuery({ tab: 'projects' });
          }}
        />
      )}
    </>
  );
}

function SessionFields({ project, session, shared, onSaved }: { readonly project: ProjectSummary; readonly session: SessionDetail; readonly shared: boolean; readonly onSaved: () => Promise<void> }) {
  return (
    <EditableFields
      title="Details" editLabel="Edit fields" idPrefix="session" fields={SESSION_FIELDS.filter((f) => !f.types || f.types.includes(session.xsiType))}
      values={session.fields} editable={!shared && canCreate(project.role)}
      note={shared ? `Shared from ${session.ownerProject}: change these details there.` : undefined}
      onSave={async (changes) => {
        await updateSession(project.id, session.label, changes);
        await onSaved();
      }}
    />
  );
}
