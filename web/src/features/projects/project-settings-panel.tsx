import { useState, type FormEvent } from 'react';
import { LoadState } from '../../components/load-state.tsx';
import { ErrorText, Notice } from '../../components/status.tsx';
import { useLoad } from '../../lib/use-load.ts';
import { getAnonScript, putAnonScript, setAllowSubjectCreation, setPrearchiveCode, type AnonScript, type ProjectSummary } from '../../xnat/projects.ts';

const DESTINATIONS: readonly { code: ProjectSummary['prearchiveCode']; label: string; help: string }[] = [
  { code: '0', label: 'Prearchive', help: 'Uploads wait in the prearchive until someone reviews and archives them.' },
  { code: '4', label: 'Archive automatically', help: 'Uploads go straight into the archive; a session that already exists is refused.' },
  { code: '5', label: 'Archive automatically, overwrite', help: 'Uploads go straight into the archive and replace files of a session that already exists.' },
];

/** Owners choose where uploads go, whether uploads may create subjects, and the anonymization script. */
export function ProjectSettingsPanel({ project, onChange }: { readonly project: ProjectSummary; readonly onChange: () => void }) {
  return (
    <div className="stack">
      <UploadSettings project={project} onChange={onChange} />
      <AnonScriptForm project={project.id} />
    </div>
  );
}

function UploadSettings({ project, onChange }: { readonly project: ProjectSummary; readonly onChange: () => void }) {
  const [code, setCode] = useState(project.prearchiveCode);
  const [allow, setAllow] = useState(project.allowSubjectCreation);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const dirty = code !== project.prearchiveCode || allow !== project.allowSubjectCreation;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      if (code !== project.prearchiveCode) await setPrearchiveCode(project.id, code);
      if (allow !== project.allowSubjectCreation) await setAllowSubjectCreation(project.id, allow);
      setSaved(true);
      onChange();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section className="panel" aria-labelledby="upload-settings-heading">
      <h2 id="upload-settings-heading">Uploads</h2>
      <form onSubmit={(e) => void save(e)}>
        <fieldset className="choices">
          <legend>Where new uploads go</legend>
          {DESTINATIONS.map((d) => (
            <label key={d.code} className="choice">
              <input type="radio" name="prearchive-code" value={d.code} checked={code === d.code} onChange={() => setCode(d.code)} />
              <span><strong>{d.label}</strong> <span className="muted">{d.help}</span></span>
            </label>
          ))}
        </fieldset>
        <label className="choice">
          <input type="checkbox" checked={allow} onChange={(e) => setAllow(e.target.checked)} />
          <span><strong>Uploads may create new subjects</strong> <span className="muted">When off, data for a subject that is not registered here is refused.</span></span>
        </label>
        <button type="submit" className="button" disabled={!dirty}>Save upload settings</button>
        {saved && <Notice>Upload settings saved.</Notice>}
        <ErrorText message={error} />
      </form>
    </section>
  );
}

function AnonScriptForm({ project }: { readonly project: string }) {
  const load = useLoad((signal) => getAnonScript(project, signal), [project]);
  return (
    <section className="panel" aria-labelledby="anon-heading">
      <h2 id="anon-heading">Anonymization script</h2>
      <p className="muted">Applied to DICOM files uploaded into this project, after the site-wide script.</p>
      <LoadState load={load} what="Loading the script">
        {(script) => <AnonScriptEditor project={project} initial={script} onSaved={load.reload} />}
      </LoadState>
    </section>
  );
}

function AnonScriptEditor({ project, initial, onSaved }: { readonly project: string; readonly initial: AnonScript | null; readonly onSaved: () => void }) {
  const [contents, setContents] = useState(initial?.contents ?? '');
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setError(undefined);
    if (!contents.trim() && !initial) {
      setError('Write the script before saving it.');
      return;
    }
    try {
      await putAnonScript(project, { contents, enabled });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form onSubmit={(e) => void save(e)}>
      <label htmlFor="anon-script">Script</label>
      <textarea id="anon-script" rows={10} spellCheck={false} value={contents} onChange={(e) => setContents(e.target.value)}
        placeholder={'(0010,0010) := "anonymous"\n-(0010,0030)'} />
      <label className="choice">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <span>Apply this script to uploads</span>
      </label>
      <button type="submit" className="button">Save script</button>
      {saved && <Notice>Anonymization script saved{enabled ? '' : ' (not applied to uploads)'}.</Notice>}
      <ErrorText message={error} />
    </form>
  );
}
