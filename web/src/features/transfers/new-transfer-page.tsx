import { useState } from 'react';
import { navigate, useLocation } from '../../app/router.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorText } from '../../components/status.tsx';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { canCreate, listAccessibleProjects, type ProjectSummary } from '../../xnat/projects.ts';
import { listSubjects } from '../../xnat/subjects.ts';
import { dryRun, startTransfer, type Checklist, type TransferRequest } from '../../xnat/transfers.ts';
import { ChecklistView } from './checklist-view.tsx';

/** Start a copy or move: choose what goes where, read the dry run's checklist, then start. */
export function NewTransferPage() {
  useTitle('New transfer');
  const projects = useLoad((signal) => listAccessibleProjects(signal), []);
  return (
    <>
      <PageHeader title="Copy or move data" kicker="New transfer" crumbs={[{ label: 'Home', to: '/' }, { label: 'Transfers', to: '/transfers' }, { label: 'New' }]} />
      <LoadState load={projects} what="Loading your projects">{(list) => <TransferForm projects={list} />}</LoadState>
    </>
  );
}

function TransferForm({ projects }: { readonly projects: readonly ProjectSummary[] }) {
  const { query } = useLocation();
  const destinations = projects.filter((p) => canCreate(p.role));
  const [source, setSource] = useState(query.get('source') ?? projects[0]?.id ?? '');
  const [destination, setDestination] = useState(destinations.find((p) => p.id !== source)?.id ?? '');
  const [mode, setMode] = useState<'copy' | 'move'>('copy');
  const [everything, setEverything] = useState(false);
  const [chosen, setChosen] = useState<ReadonlyMap<string, string>>(new Map());
  const [resources, setResources] = useState('');
  const [checklist, setChecklist] = useState<Checklist>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const changed = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setChecklist(undefined);
  };

  const request = (): TransferRequest => ({
    source, destination, mode, all: everything, subjects: everything ? [] : [...chosen.keys()],
    subjectLabels: Object.fromEntries([...chosen].filter(([from, to]) => to.trim() && to.trim() !== from).map(([from, to]) => [from, to.trim()])),
    resources: mode === 'copy' && resources.trim() ? resources.split(',').map((r) => r.trim()).filter(Boolean) : null,
  });
  const act = async (what: 'check' | 'start') => {
    setError(undefined);
    if (!source || !destination) return setError('Choose the source and the destination project.');
    if (!everything && chosen.size === 0) return setError('Choose the subjects to transfer, or all of them.');
    setBusy(true);
    try {
      if (what === 'check') setChecklist(await dryRun(request()));
      else navigate(`/transfers/${encodeURIComponent((await startTransfer(request())).id)}`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <section className="panel">
        <div className="form-grid">
          <div className="form-field">
            <label htmlFor="transfer-source">From project</label>
            <select id="transfer-source" value={source} onChange={(e) => { changed(setSource)(e.target.value); setChosen(new Map()); }}>
              {projects.map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}
            </select>
          </div>
          <div className="form-field">
            <label htmlFor="transfer-destination">To project</label>
            <select id="transfer-destination" value={destination} onChange={(e) => changed(setDestination)(e.target.value)}>
              <option value="">Choose…</option>
              {destinations.filter((p) => p.id !== source).map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}
            </select>
          </div>
        </div>
        <fieldset className="choices">
          <legend>Copy or move</legend>
          <label className="choice"><input type="radio" name="transfer-mode" checked={mode === 'copy'} onChange={() => changed(setMode)('copy')} /> <span><strong>Copy</strong> <span className="muted">the source keeps its data</span></span></label>
          <label className="choice"><input type="radio" name="transfer-mode" checked={mode === 'move'} onChange={() => changed(setMode)('move')} /> <span><strong>Move</strong> <span className="muted">the source data is deleted only after the copy is verified</span></span></label>
        </fieldset>
        <fieldset className="choices">
          <legend>What</legend>
          <label className="choice"><input type="radio" name="transfer-what" checked={everything} onChange={() => changed(setEverything)(true)} /> <span>Every subject of {source}</span></label>
          <label className="choice"><input type="radio" name="transfer-what" checked={!everything} onChange={() => changed(setEverything)(false)} /> <span>Chosen subjects ({chosen.size})</span></label>
        </fieldset>
        {!everything && source && <SubjectPicker key={source} project={source} chosen={chosen} onChange={changed(setChosen)} />}
        {mode === 'copy' && (
          <div className="form-field">
            <label htmlFor="transfer-resources">Only these resources (optional, comma-separated)</label>
            <input id="transfer-resources" value={resources} placeholder="e.g. DICOM" onChange={(e) => changed(setResources)(e.target.value)} />
          </div>
        )}
        <div className="form-actions">
          <button type="button" className="button secondary" disabled={busy} onClick={() => void act('check')}>Check (dry run)</button>
          <button type="button" className="button" disabled={busy || !checklist?.ok} onClick={() => void act('start')}>{mode === 'move' ? 'Start move' : 'Start copy'}</button>
        </div>
        <ErrorText message={error} />
      </section>
      {checklist && <ChecklistView checklist={checklist} />}
    </div>
  );
}

function SubjectPicker({ project, chosen, onChange }: { readonly project: string; readonly chosen: ReadonlyMap<string, string>; readonly onChange: (next: ReadonlyMap<string, string>) => void }) {
  const [filter, setFilter] = useState('');
  const subjects = useLoad((signal) => listSubjects(project, { offset: 0, limit: 200, filter }, signal), [project, filter]);
  const set = (label: string, to: string | undefined) => {
    const next = new Map(chosen);
    if (to === undefined) next.delete(label);
    else next.set(label, to);
    onChange(next);
  };
  return (
    <div className="subject-picker">
      <div className="filter-row">
        <label htmlFor="transfer-filter">Filter subjects</label>
        <input id="transfer-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      <LoadState load={subjects} what="Loading subjects">{(page) => (
        <table aria-label={`Subjects of ${project}`}>
          <thead><tr><th scope="col">Transfer</th><th scope="col">Subject</th><th scope="col">Sessions</th><th scope="col">Label in the destination</th></tr></thead>
          <tbody>
            {page.rows.map((s) => (
              <tr key={s.id}>
                <td><input type="checkbox" aria-label={`Transfer ${s.label}`} checked={chosen.has(s.label)} onChange={(e) => set(s.label, e.target.checked ? s.label : undefined)} /></td>
                <td>{s.label}</td>
                <td className="num">{s.sessions}</td>
                <td>{chosen.has(s.label) && <input aria-label={`Label of ${s.label} in the destination`} value={chosen.get(s.label)} onChange={(e) => set(s.label, e.target.value)} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}</LoadState>
    </div>
  );
}
