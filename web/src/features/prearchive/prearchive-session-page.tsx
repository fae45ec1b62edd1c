import { useState, type FormEvent } from 'react';
import { navigate } from '../../app/router.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorText, FieldList, Notice } from '../../components/status.tsx';
import { describeType, formatBytes } from '../../lib/format.ts';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { ApiError } from '../../xnat/http.ts';
import {
  archiveEntry, deleteEntry, getPrearchiveEntry, lastLog, listPrearchiveScans, moveEntry, rebuildEntry, type Overwrite, type PrearchiveEntry, type PrearchiveScan,
} from '../../xnat/prearchive.ts';
import { canCreate, listAccessibleProjects } from '../../xnat/projects.ts';
import { uiPathOfImportUri } from '../../xnat/upload.ts';
import { StatusBadge } from './status-badge.tsx';

/** Review one prearchive session: scans, status and conflict reason; archive, move, rebuild or delete it. */
export function PrearchiveSessionPage({ project, timestamp, folder }: { readonly project: string; readonly timestamp: string; readonly folder: string }) {
  useTitle(`Prearchive ${folder}`);
  const load = useLoad(async (signal) => {
    const entry = await getPrearchiveEntry(project, timestamp, folder, signal);
    if (!entry) throw new ApiError(404, 'This prearchive session no longer exists; it may have been archived, moved or deleted.');
    const [scans, reason] = await Promise.all([
      listPrearchiveScans(project, timestamp, folder, signal),
      /CONFLICT|ERROR/.test(entry.status) ? lastLog(project, timestamp, folder, signal).catch(() => '') : Promise.resolve(''),
    ]);
    return { entry, scans, reason };
  }, [project, timestamp, folder]);
  return (
    <>
      <PageHeader title={folder} kicker="Prearchive session" crumbs={[{ label: 'Home', to: '/' }, { label: 'Prearchive', to: `/prearchive?project=${encodeURIComponent(project)}` }, { label: folder }]} />
      <LoadState load={load} what="Loading the session">{(d) => <Review {...d} reload={load.reload} />}</LoadState>
    </>
  );
}

function Review({ entry, scans, reason, reload }: { readonly entry: PrearchiveEntry; readonly scans: readonly PrearchiveScan[]; readonly reason: string; readonly reload: () => void }) {
  return (
    <div className="stack">
      <section className="panel">
        <FieldList items={[
          { label: 'Project', value: entry.project }, { label: 'Subject', value: entry.subject }, { label: 'Session', value: entry.session },
          { label: 'Status', value: <StatusBadge status={entry.status} /> }, { label: 'Scan date', value: entry.scanDate },
          { label: 'Uploaded', value: entry.uploaded.slice(0, 19) }, { label: 'Study Instance UID', value: entry.studyUid },
        ]} />
        {reason && <p className="error-text" role="alert" data-testid="conflict-reason">{reason}</p>}
      </section>
      <section className="panel" aria-labelledby="prearchive-scans-heading">
        <h2 id="prearchive-scans-heading">Scans</h2>
        <DataTable<PrearchiveScan>
          label="Scans in this upload" testId="prearchive-scans" rows={scans} rowKey={(s) => s.id} empty="No scans were found in this session."
          columns={[
            { key: 'id', header: 'Scan', render: (s) => s.id },
            { key: 'type', header: 'Kind', render: (s) => describeType(s.xsiType) },
            { key: 'desc', header: 'Series description', render: (s) => s.seriesDescription },
            { key: 'files', header: 'Files', numeric: true, render: (s) => s.fileCount.toLocaleString('en') },
            { key: 'size', header: 'Size', numeric: true, render: (s) => formatBytes(s.fileSize) },
          ]}
        />
      </section>
      <ArchiveForm entry={entry} />
      <OtherActions entry={entry} reload={reload} />
    </div>
  );
}

function ArchiveForm({ entry }: { readonly entry: PrearchiveEntry }) {
  const [subject, setSubject] = useState(entry.subject);
  const [session, setSession] = useState(entry.session);
  const [overwrite, setOverwrite] = useState<Overwrite>('none');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const uri = await archiveEntry(entry, { subject: subject.trim(), session: session.trim(), overwrite });
      navigate(uiPathOfImportUri(uri) ?? `/projects/${encodeURIComponent(entry.project)}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="archive-heading">
      <h2 id="archive-heading">Archive</h2>
      <div className="form-grid">
        <div className="form-field"><label htmlFor="archive-subject">Subject label</label><input id="archive-subject" value={subject} onChange={(e) => setSubject(e.target.value)} /></div>
        <div className="form-field"><label htmlFor="archive-session">Session label</label><input id="archive-session" value={session} onChange={(e) => setSession(e.target.value)} /></div>
        <div className="form-field">
          <label htmlFor="archive-overwrite">If the session already exists</label>
          <select id="archive-overwrite" value={overwrite} onChange={(e) => setOverwrite(e.target.value as Overwrite)}>
            <option value="none">Refuse</option>
            <option value="append">Add the new scans to it</option>
            <option value="delete">Add the new scans and replace clashing files</option>
          </select>
        </div>
      </div>
      <button type="submit" className="button" disabled={busy}>{busy ? 'Archiving…' : 'Archive session'}</button>
      <ErrorText message={error} id="archive-error" />
    </form>
  );
}

function OtherActions({ entry, reload }: { readonly entry: PrearchiveEntry; readonly reload: () => void }) {
  const projects = useLoad(async (signal) => (await listAccessibleProjects(signal)).filter((p) => canCreate(p.role) && p.id !== entry.project), [entry.project]);
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const act = async (what: 'move' | 'rebuild' | 'delete') => {
    setError(undefined);
    setDone(undefined);
    try {
      if (what === 'move') {
        if (!target) throw new Error('Choose the project to move this session to.');
        await moveEntry(entry, target);
        navigate(`/prearchive?project=${encodeURIComponent(target)}`);
      } else if (what === 'rebuild') {
        await rebuildEntry(entry);
        setDone('The session is being rebuilt from its files.');
        reload();
      } else {
        if (!window.confirm(`Delete ${entry.session || entry.folder} from the prearchive? Its files are removed.`)) return;
        await deleteEntry(entry);
        navigate(`/prearchive?project=${encodeURIComponent(entry.project)}`);
      }
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section className="panel" aria-labelledby="other-actions-heading">
      <h2 id="other-actions-heading">Other actions</h2>
      <div className="inline-form">
        <label htmlFor="move-target">Move to project</label>
        <select id="move-target" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">Choose…</option>
          {(projects.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.id}</option>)}
        </select>
        <button type="button" className="button secondary" onClick={() => void act('move')}>Move</button>
        <button type="button" className="button secondary" onClick={() => void act('rebuild')}>Rebuild</button>
        <button type="button" className="button danger" onClick={() => void act('delete')}>Delete</button>
      </div>
      {done && <Notice>{done}</Notice>}
      <ErrorText message={error} />
    </section>
  );
}
