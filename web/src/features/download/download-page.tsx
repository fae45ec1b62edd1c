import { useState } from 'react';
import { setQuery, useLocation } from '../../app/router.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorText, Loading } from '../../components/status.tsx';
import { describeType } from '../../lib/format.ts';
import { toggled } from '../../lib/sets.ts';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { createDownload, downloadUrl, scanTypesAndFormats } from '../../xnat/downloads.ts';
import { listAccessibleProjects } from '../../xnat/projects.ts';
import { listProjectSessions, type SessionRow } from '../../xnat/sessions.ts';

/** Download Images (seeds 001/003): choose sessions and scan types of a project, as a zip or a Catalog XML. */
export function DownloadPage() {
  useTitle('Download images');
  const { query } = useLocation();
  const projects = useLoad((signal) => listAccessibleProjects(signal), []);
  const project = query.get('project') ?? '';
  return (
    <>
      <PageHeader title="Download images" crumbs={[{ label: 'Home', to: '/' }, { label: 'Download' }]} />
      <section className="panel">
        <div className="filter-row">
          <label htmlFor="download-project">Project</label>
          <select id="download-project" value={project} onChange={(e) => setQuery({ project: e.target.value || undefined }, { push: true })}>
            <option value="">Choose a project…</option>
            {(projects.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}
          </select>
        </div>
      </section>
      {project && <ProjectDownload key={project} project={project} />}
    </>
  );
}

function ProjectDownload({ project }: { readonly project: string }) {
  const sessions = useLoad((signal) => listProjectSessions(project, signal), [project]);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  return (
    <LoadState load={sessions} what="Loading sessions">{(rows) => (
      <div className="stack">
        <section className="panel" aria-labelledby="download-sessions-heading">
          <div className="panel-head">
            <h2 id="download-sessions-heading">Sessions ({chosen.size} of {rows.length} chosen)</h2>
            <div className="panel-actions">
              <button type="button" className="button secondary small" onClick={() => setChosen(new Set(rows.map((r) => r.id)))}>Choose all</button>
              <button type="button" className="button secondary small" onClick={() => setChosen(new Set())}>Clear</button>
            </div>
          </div>
          <DataTable<SessionRow>
            label={`Sessions of ${project}`} testId="download-sessions" rows={rows} rowKey={(r) => r.id} empty={`${project} has no imaging sessions.`}
            columns={[
              {
                key: 'pick', header: <span className="sr-only">Choose</span>, render: (r) => (
                  <input type="checkbox" aria-label={`Choose ${r.label}`} checked={chosen.has(r.id)} onChange={(e) => setChosen((c) => toggled(c, r.id, e.target.checked))} />
                ),
              },
              { key: 'subject', header: 'Subject', render: (r) => r.subjectLabel },
              { key: 'label', header: 'Session', render: (r) => r.label },
              { key: 'date', header: 'Date', render: (r) => r.date },
              { key: 'type', header: 'Type', render: (r) => describeType(r.xsiType) },
            ]}
          />
        </section>
        {chosen.size > 0 && <DownloadOptions project={project} sessions={rows.filter((r) => chosen.has(r.id))} />}
      </div>
    )}</LoadState>
  );
}

function DownloadOptions({ project, sessions }: { readonly project: string; readonly sessions: readonly SessionRow[] }) {
  const ids = sessions.map((s) => s.id);
  const available = useLoad((signal) => scanTypesAndFormats(ids, signal), [ids.join(',')]);
  const [skipTypes, setSkipTypes] = useState<ReadonlySet<string>>(new Set());
  const [skipFormats, setSkipFormats] = useState<ReadonlySet<string>>(new Set());
  const [format, setFormat] = useState<'zip' | 'xml'>('zip');
  const [simplified, setSimplified] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const start = async () => {
    const data = available.data;
    if (!data) return;
    const types = data.types.filter((t) => !skipTypes.has(t));
    const formats = data.formats.filter((f) => !skipFormats.has(f));
    if (types.length === 0 || formats.length === 0) {
      setError('Choose at least one scan type and one format.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const id = await createDownload({
        sessions: sessions.map((s) => `${project}:${s.subjectLabel}:${s.label}:${s.id}`), scanTypes: types, scanFormats: formats,
        options: simplified ? ['simplified'] : [],
      });
      window.location.assign(downloadUrl(id, format));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="download-options-heading">
      <h2 id="download-options-heading">What to download</h2>
      {available.error && <ErrorText message={available.error.message} />}
      {!available.data ? <Loading what="Finding scan types" /> : (
        <>
          <fieldset className="choices">
            <legend>Scan types</legend>
            {available.data.types.length === 0 && <p className="muted">The chosen sessions have no scan files.</p>}
            {available.data.types.map((t) => <label key={t} className="choice"><input type="checkbox" checked={!skipTypes.has(t)} onChange={() => setSkipTypes((s) => toggled(s, t))} /> <span>{t}</span></label>)}
          </fieldset>
          <fieldset className="choices">
            <legend>Formats</legend>
            {available.data.formats.map((f) => <label key={f} className="choice"><input type="checkbox" checked={!skipFormats.has(f)} onChange={() => setSkipFormats((s) => toggled(s, f))} /> <span>{f}</span></label>)}
          </fieldset>
        </>
      )}
      <fieldset className="choices">
        <legend>Download as</legend>
        <label className="choice"><input type="radio" name="download-format" checked={format === 'zip'} onChange={() => setFormat('zip')} /> <span><strong>Zip</strong> <span className="muted">one file, straight to this computer</span></span></label>
        <label className="choice"><input type="radio" name="download-format" checked={format === 'xml'} onChange={() => setFormat('xml')} /> <span><strong>Catalog XML</strong> <span className="muted">for the Desktop Client or the xnat-ts command, which can resume</span></span></label>
      </fieldset>
      <label className="choice"><input type="checkbox" checked={simplified} onChange={(e) => setSimplified(e.target.checked)} /> <span>Simplified folder layout</span></label>
      <button type="button" className="button" disabled={busy || !available.data} onClick={() => void start()}>{busy ? 'Preparing…' : `Download ${sessions.length} session${sessions.length === 1 ? '' : 's'}`}</button>
      <ErrorText message={error} />
    </section>
  );
}
