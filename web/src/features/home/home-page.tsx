import { useState } from 'react';
import { Link, path } from '../../app/router.tsx';
import { Badge, ErrorText, Loading } from '../../components/status.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { formatCount, timeAgo } from '../../lib/format.ts';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { listActivity, type ActivityEvent } from '../../xnat/activity.ts';
import { listAccessibleProjects, piName, projectTitle, type ProjectSummary } from '../../xnat/projects.ts';
import { describeActivity, type ActivityLine } from './activity-text.ts';

/** Home: the projects you can open on the left, what changed recently on the right (seed 004). */
export function HomePage() {
  useTitle('Home');
  const projects = useLoad((signal) => listAccessibleProjects(signal), []);
  return (
    <div className="home-grid">
      <section className="panel" aria-labelledby="projects-heading">
        <h1 id="projects-heading">Your projects</h1>
        <LoadState load={projects} what="Loading projects">{(list) => <ProjectList projects={list} />}</LoadState>
      </section>
      <ActivityFeed />
    </div>
  );
}

function ProjectList({ projects }: { readonly projects: readonly ProjectSummary[] }) {
  const [filter, setFilter] = useState('');
  if (projects.length === 0) return <p className="empty">You do not have access to any project yet. Ask a project owner to add you.</p>;
  const needle = filter.trim().toLowerCase();
  const shown = needle ? projects.filter((p) => [p.id, p.name, p.secondaryId, piName(p)].some((v) => v.toLowerCase().includes(needle))) : projects;
  return (
    <>
      {projects.length > 8 && (
        <div className="filter-row">
          <label htmlFor="project-filter">Filter projects</label>
          <input id="project-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Name, ID or PI" />
        </div>
      )}
      <ul className="project-list" data-testid="project-list">
        {shown.map((p) => (
          <li key={p.id} data-project={p.id}>
            <div className="project-line">
              <Link to={path('projects', p.id)} className="project-name">{projectTitle(p)}</Link>
              <Badge tone="role">{p.role}</Badge>
            </div>
            <div className="project-meta">
              <span>{p.id}</span>
              {piName(p) && <span>PI: {piName(p)}</span>}
              <span data-testid="subject-count">{formatCount(p.subjectCount, 'subject')}</span>
              <span data-testid="session-count">{formatCount(p.experimentCount, 'session')}</span>
            </div>
          </li>
        ))}
      </ul>
      {shown.length === 0 && <p className="empty">No project matches “{filter}”.</p>}
    </>
  );
}

const PAGE = 25;

function ActivityFeed() {
  const [older, setOlder] = useState<ActivityEvent[]>([]);
  const [more, setMore] = useState<{ busy: boolean; error?: string; done: boolean }>({ busy: false, done: false });
  const first = useLoad((signal) => listActivity({ limit: PAGE }, signal), []);
  const events = [...(first.data ?? []), ...older];
  const loadMore = async () => {
    const last = events[events.length - 1];
    setMore({ busy: true, done: false });
    try {
      const next = await listActivity({ limit: PAGE, before: last?.id });
      setOlder((o) => [...o, ...next]);
      setMore({ busy: false, done: next.length < PAGE });
    } catch (e) {
      setMore({ busy: false, error: (e as Error).message, done: false });
    }
  };
  return (
    <section className="panel" aria-labelledby="activity-heading">
      <h2 id="activity-heading">Recent activity</h2>
      {first.error && <ErrorText message={first.error.message} />}
      {first.loading && !first.data && <Loading what="Loading activity" />}
      {first.data && events.length === 0 && <p className="empty">Nothing has happened in your projects yet.</p>}
      <ol className="activity" data-testid="activity-feed">
        {events.map((e) => {
          const line = describeActivity(e);
          return (
            <li key={e.id}>
              <span className="activity-who">{e.actor}</span>{' '}
              <ActivityText line={line} />
              <time dateTime={e.at} title={e.at} className="activity-when">{timeAgo(e.at)}</time>
            </li>
          );
        })}
      </ol>
      {first.data && first.data.length === PAGE && !more.done && (
        <button type="button" className="button secondary" disabled={more.busy} onClick={() => void loadMore()}>{more.busy ? 'Loading…' : 'Show older'}</button>
      )}
      <ErrorText message={more.error} />
    </section>
  );
}

/** The sentence with the item as the link to it. */
function ActivityText({ line }: { readonly line: ActivityLine }) {
  return (
    <span className="activity-what">
      {line.before}{line.to ? <Link to={line.to}>{line.item}</Link> : line.item}{line.after}
    </span>
  );
}
