import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation } from '../../app/router.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorText, Notice } from '../../components/status.tsx';
import { formatBytes } from '../../lib/format.ts';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { canCreate, listAccessibleProjects, projectTitle, type ProjectSummary } from '../../xnat/projects.ts';
import { uiPathOfImportUri, uploadArchive, type UploadHandle } from '../../xnat/upload.ts';

/** The compressed uploader (seeds 001/003): a zip or tar.gz of DICOM into a project. */
export function UploadPage() {
  useTitle('Upload images');
  const projects = useLoad(async (signal) => (await listAccessibleProjects(signal)).filter((p) => canCreate(p.role)), []);
  return (
    <>
      <PageHeader title="Upload images" kicker="Compressed uploader" crumbs={[{ label: 'Home', to: '/' }, { label: 'Upload' }]} />
      <LoadState load={projects} what="Loading your projects">{(list) => (list.length === 0
        ? <p className="panel">You cannot upload into any project: uploading needs the Owner or Member role.</p>
        : <UploadForm projects={list} />)}</LoadState>
    </>
  );
}

type Phase = { kind: 'idle' } | { kind: 'sending'; sent: number; total: number; started: number } | { kind: 'processing' } | { kind: 'done'; uris: string[] };

function UploadForm({ projects }: { readonly projects: readonly ProjectSummary[] }) {
  const { query } = useLocation();
  const initial = projects.find((p) => p.id === query.get('project')) ?? projects[0]!;
  const [project, setProject] = useState(initial.id);
  const chosen = projects.find((p) => p.id === project) ?? initial;
  const [file, setFile] = useState<File>();
  const [custom, setCustom] = useState(false);
  const [subject, setSubject] = useState('');
  const [session, setSession] = useState('');
  const [ignoreUnparsable, setIgnoreUnparsable] = useState(false);
  const [destination, setDestination] = useState<'prearchive' | 'archive'>(initial.prearchiveCode === '0' ? 'prearchive' : 'archive');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [error, setError] = useState<{ field?: 'file' | 'labels'; message: string }>();
  const handle = useRef<UploadHandle>(undefined);
  useEffect(() => () => handle.current?.abort(), []);

  const busy = phase.kind === 'sending' || phase.kind === 'processing';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (!file) return setError({ field: 'file', message: 'Choose a zip or tar.gz file to upload.' });
    if (!/\.(zip|tar|tar\.gz|tgz)$/i.test(file.name)) return setError({ field: 'file', message: `${file.name} is not a zip, tar or tar.gz file.` });
    if (custom && (!subject.trim() || !session.trim())) return setError({ field: 'labels', message: 'Enter both the subject and the session label, or let them be read from the DICOM headers.' });
    const started = performance.now();
    setPhase({ kind: 'sending', sent: 0, total: file.size, started });
    handle.current = uploadArchive(file, {
      project, subject: custom ? subject.trim() : undefined, session: custom ? session.trim() : undefined, ignoreUnparsable, destination,
    }, (sent, total) => setPhase(sent >= total ? { kind: 'processing' } : { kind: 'sending', sent, total, started }));
    try {
      setPhase({ kind: 'done', uris: await handle.current.done });
    } catch (err) {
      setPhase({ kind: 'idle' });
      setError({ field: 'file', message: (err as Error).message });
    }
  };

  return (
    <form className="panel upload-form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="form-field">
        <label htmlFor="upload-project">Project</label>
        <select id="upload-project" value={project} disabled={busy} onChange={(e) => {
          setProject(e.target.value);
          const p = projects.find((x) => x.id === e.target.value);
          if (p) setDestination(p.prearchiveCode === '0' ? 'prearchive' : 'archive');
        }}>
          {projects.map((p) => <option key={p.id} value={p.id}>{p.id}{p.name && p.name !== p.id ? ` – ${projectTitle(p)}` : ''}</option>)}
        </select>
      </div>
      <fieldset className="choices">
        <legend>Subject and session labels</legend>
        <label className="choice"><input type="radio" name="labels" checked={!custom} disabled={busy} onChange={() => setCustom(false)} /> <span>Read them from the DICOM headers</span></label>
        <label className="choice"><input type="radio" name="labels" checked={custom} disabled={busy} onChange={() => setCustom(true)} /> <span>Use these labels</span></label>
        {custom && (
          <div className="form-grid">
            <div className="form-field"><label htmlFor="upload-subject">Subject label</label><input id="upload-subject" value={subject} disabled={busy} onChange={(e) => setSubject(e.target.value)} /></div>
            <div className="form-field"><label htmlFor="upload-session">Session label</label><input id="upload-session" value={session} disabled={busy} onChange={(e) => setSession(e.target.value)} /></div>
          </div>
        )}
        {error?.field === 'labels' && <ErrorText message={error.message} />}
      </fieldset>
      <fieldset className="choices">
        <legend>Destination</legend>
        <label className="choice"><input type="radio" name="destination" checked={destination === 'prearchive'} disabled={busy} onChange={() => setDestination('prearchive')} /> <span><strong>Prearchive</strong> <span className="muted">review the sessions before they are archived (recommended)</span></span></label>
        <label className="choice"><input type="radio" name="destination" checked={destination === 'archive'} disabled={busy} onChange={() => setDestination('archive')} /> <span><strong>Archive</strong> <span className="muted">straight into {chosen.id}</span></span></label>
      </fieldset>
      <label className="choice"><input type="checkbox" checked={ignoreUnparsable} disabled={busy} onChange={(e) => setIgnoreUnparsable(e.target.checked)} /> <span>Ignore files that are not DICOM</span></label>
      <div className="form-field">
        <label htmlFor="upload-file">File (zip, tar or tar.gz)</label>
        <input id="upload-file" type="file" accept=".zip,.tar,.gz,.tgz" disabled={busy} onChange={(e) => setFile(e.target.files?.[0])}
          aria-describedby={error?.field === 'file' ? 'upload-error' : undefined} />
        {error?.field === 'file' && <ErrorText message={error.message} id="upload-error" />}
      </div>
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>Begin upload</button>
        {phase.kind === 'sending' && <button type="button" className="button secondary" onClick={() => handle.current?.abort()}>Cancel</button>}
      </div>
      <UploadProgress phase={phase} />
    </form>
  );
}

function UploadProgress({ phase }: { readonly phase: Phase }) {
  if (phase.kind === 'sending') {
    const seconds = (performance.now() - phase.started) / 1000;
    const rate = seconds > 0.5 ? ` · ${formatBytes(phase.sent / seconds)}/s` : '';
    return (
      <div className="progress-box" role="status">
        <progress max={phase.total} value={phase.sent} aria-label="Upload progress" />
        <span>{formatBytes(phase.sent)} of {formatBytes(phase.total)} ({Math.floor((phase.sent / Math.max(1, phase.total)) * 100)}%){rate}</span>
      </div>
    );
  }
  if (phase.kind === 'processing') {
    return <div className="progress-box" role="status"><progress aria-label="Reading the DICOM files" /> <span>Uploaded; the server is reading the DICOM files…</span></div>;
  }
  if (phase.kind === 'done') {
    return (
      <Notice>
        Upload finished. {phase.uris.length === 0 ? 'No DICOM session was found in the file.' : 'Sessions received:'}
        <ul className="result-list">
          {phase.uris.map((uri) => {
            const to = uiPathOfImportUri(uri);
            const where = /prearchive/.test(uri) ? 'in the prearchive' : 'in the archive';
            return <li key={uri}>{to ? <Link to={to}>{decodeURIComponent(uri.split('/').pop() ?? uri)}</Link> : uri} <span className="muted">{where}</span></li>;
          })}
        </ul>
      </Notice>
    );
  }
  return null;
}
