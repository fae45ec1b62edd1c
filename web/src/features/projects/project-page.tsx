import { Link, path, setQuery, useLocation } from '../../app/router.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Badge, FieldList } from '../../components/status.tsx';
import { TabPanel, Tabs } from '../../components/tabs.tsx';
import { formatCount } from '../../lib/format.ts';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { canCreate, canManage, getProject, piName, projectTitle, type ProjectSummary } from '../../xnat/projects.ts';
import { ManageAccessPanel } from './manage-access-panel.tsx';
import { ProjectSettingsPanel } from './project-settings-panel.tsx';
import { SubjectsPanel } from './subjects-panel.tsx';

/** A project: its metadata, its subjects, and (for owners) who has access and how uploads are handled. */
export function ProjectPage({ project }: { readonly project: string }) {
  const load = useLoad((signal) => getProject(project, signal), [project]);
  useTitle(load.data ? projectTitle(load.data) : project);
  return <LoadState load={load} what="Loading project">{(p) => <ProjectView project={p} reload={load.reload} />}</LoadState>;
}

const ACCESS_TEXT = { public: 'Public', protected: 'Protected', private: 'Private' } as const;

function ProjectView({ project: p, reload }: { readonly project: ProjectSummary; readonly reload: () => void }) {
  const { query } = useLocation();
  const owner = canManage(p.role);
  const tabs = [
    { id: 'subjects', label: 'Subjects' },
    ...(owner ? [{ id: 'access', label: 'Manage access' }, { id: 'settings', label: 'Settings' }] : []),
  ];
  const wanted = query.get('tab');
  const tab = wanted === 'access' || wanted === 'settings' ? wanted : 'subjects';
  return (
    <>
      <PageHeader
        title={projectTitle(p)} kicker="Project" crumbs={[{ label: 'Home', to: '/' }, { label: p.id }]}
        badges={<><Badge tone="plain" title="Who can see this project">{ACCESS_TEXT[p.accessibility]}</Badge> <Badge tone="role" title="Your role here">{p.role}</Badge></>}
        actions={<>
          {canCreate(p.role) && <Link className="button" to={`/upload?project=${encodeURIComponent(p.id)}`}>Upload Images</Link>}
          <Link className="button secondary" to={`/download?project=${encodeURIComponent(p.id)}`}>Download Images</Link>
          {canCreate(p.role) && <Link className="button secondary" to={`/prearchive?project=${encodeURIComponent(p.id)}`}>Prearchive</Link>}
          <Link className="button secondary" to={`/transfers/new?source=${encodeURIComponent(p.id)}`}>Copy or move</Link>
        </>}
      >
        {p.description && <p className="lead">{p.description}</p>}
        <FieldList items={[
          { label: 'Project ID', value: p.id },
          { label: 'Running title', value: p.secondaryId },
          { label: 'Principal investigator', value: piName(p) },
          { label: 'Keywords', value: p.keywords },
          { label: 'Aliases', value: p.aliases.join(', ') },
          { label: 'Data', value: `${formatCount(p.subjectCount, 'subject')}, ${formatCount(p.experimentCount, 'session')}` },
        ]} />
      </PageHeader>
      <Tabs label="Project sections" tabs={tabs} active={tab}
        onSelect={(id) => setQuery({ tab: id === 'subjects' ? undefined : id, q: undefined, offset: undefined }, { push: true })} />
      {tab === 'subjects' ? (
        <TabPanel id="subjects"><SubjectsPanel project={p} onChange={reload} /></TabPanel>
      ) : !owner ? (
        <section className="panel" role="alert">
          <p>Only owners of project {p.id} can manage its access and settings. Ask an owner if something needs to change.</p>
          <p><Link to={path('projects', p.id)}>Back to the subjects</Link></p>
        </section>
      ) : tab === 'access' ? (
        <TabPanel id="access"><ManageAccessPanel project={p} onChange={reload} /></TabPanel>
      ) : (
        <TabPanel id="settings"><ProjectSettingsPanel project={p} onChange={reload} /></TabPanel>
      )}
    </>
  );
}
