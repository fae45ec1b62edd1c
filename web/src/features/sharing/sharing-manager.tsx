import { useState } from 'react';
import { Modal } from '../../components/modal.tsx';
import { ErrorText } from '../../components/status.tsx';
import { describeType } from '../../lib/format.ts';
import { shareSession, shareSubject } from '../../xnat/sharing.ts';

export interface ShareableSession {
  readonly label: string;
  readonly xsiType: string;
  readonly date: string;
}

interface SessionChoice {
  readonly session: ShareableSession;
  include: boolean;
  label: string;
  error?: string;
  done?: boolean;
}

/**
 * The Sharing Manager (seed 000): choose which sessions go along, relabel the subject and each
 * session for the destination, then share. The subject is shared first (a session cannot be shared
 * without its subject), then each chosen session; each failure is shown on its own row.
 */
export function SharingManager({ source, subjectLabel, subjectInDestination, sessions, fixedSessions, destination, onClose, onShared }: {
  readonly source: string;
  readonly subjectLabel: string;
  /** The subject's label in the destination when it is already there. */
  readonly subjectInDestination?: string;
  readonly sessions: readonly ShareableSession[];
  /** Sharing one session from its own page: no choice about which. */
  readonly fixedSessions?: boolean;
  readonly destination: string;
  readonly onClose: () => void;
  readonly onShared: () => void;
}) {
  const [newSubjectLabel, setNewSubjectLabel] = useState(subjectLabel);
  const [subjectError, setSubjectError] = useState<string>();
  const [subjectDone, setSubjectDone] = useState(subjectInDestination !== undefined);
  const [choices, setChoices] = useState<SessionChoice[]>(() => sessions.map((s) => ({ session: s, include: true, label: s.label })));
  const [busy, setBusy] = useState(false);
  const [partial, setPartial] = useState(false);
  const update = (i: number, change: Partial<SessionChoice>) => setChoices((cs) => cs.map((c, j) => (j === i ? { ...c, ...change } : c)));

  const share = async () => {
    setBusy(true);
    setSubjectError(undefined);
    if (!subjectDone) {
      try {
        await shareSubject(source, subjectLabel, destination, newSubjectLabel.trim());
        setSubjectDone(true);
      } catch (e) {
        setSubjectError((e as Error).message);
        setBusy(false);
        return;
      }
    }
    let failed = 0;
    const next = [...choices];
    for (const [i, c] of next.entries()) {
      if (!c.include || c.done) continue;
      try {
        await shareSession(source, subjectLabel, c.session.label, destination, c.label.trim());
        next[i] = { ...c, done: true, error: undefined };
      } catch (e) {
        failed++;
        next[i] = { ...c, error: (e as Error).message };
      }
    }
    setChoices(next);
    setBusy(false);
    if (failed === 0) onShared();
    else setPartial(true);
  };

  const count = choices.filter((c) => c.include && !c.done).length;
  return (
    <Modal title={`Share into ${destination}`} onClose={partial ? onShared : onClose} wide footer={<>
      <button type="button" className="button" disabled={busy} onClick={() => void share()}>{busy ? 'Sharing…' : partial ? 'Try again' : 'Share'}</button>
      <button type="button" className="button secondary" disabled={busy} onClick={partial ? onShared : onClose}>{partial ? 'Close' : 'Cancel'}</button>
    </>}>
      <p>
        Shared data stays owned by {source}: people in {destination} can read it, and it can be changed only through {source}.
        Choose the labels it will have in {destination}.
      </p>
      <div className="form-field">
        <label htmlFor="share-subject-label">Subject label in {destination}</label>
        {subjectInDestination !== undefined ? (
          <p id="share-subject-label">Subject {subjectLabel} is already in {destination} as <strong>{subjectInDestination}</strong>.</p>
        ) : (
          <input id="share-subject-label" value={newSubjectLabel} disabled={subjectDone || busy} onChange={(e) => setNewSubjectLabel(e.target.value)}
            aria-invalid={subjectError ? true : undefined} aria-describedby={subjectError ? 'share-subject-error' : undefined} />
        )}
        <ErrorText message={subjectError} id="share-subject-error" />
      </div>
      {choices.length > 0 && (
        <fieldset className="share-sessions">
          <legend>{fixedSessions ? 'Session' : `Sessions to share along (${count} chosen)`}</legend>
          <table aria-label="Sessions to share">
            <thead>
              <tr>{!fixedSessions && <th scope="col">Share</th>}<th scope="col">Session</th><th scope="col">Type</th><th scope="col">Label in {destination}</th></tr>
            </thead>
            <tbody>
              {choices.map((c, i) => (
                <tr key={c.session.label}>
                  {!fixedSessions && (
                    <td><input type="checkbox" aria-label={`Share ${c.session.label}`} checked={c.include} disabled={busy || c.done} onChange={(e) => update(i, { include: e.target.checked })} /></td>
                  )}
                  <td>{c.session.label}{c.session.date && <span className="muted"> · {c.session.date}</span>}</td>
                  <td>{describeType(c.session.xsiType)}</td>
                  <td>
                    <input aria-label={`Label of ${c.session.label} in ${destination}`} value={c.label} disabled={busy || c.done || !c.include}
                      onChange={(e) => update(i, { label: e.target.value })} aria-invalid={c.error ? true : undefined} />
                    {c.done && <span className="ok-text"> Shared</span>}
                    <ErrorText message={c.error} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </fieldset>
      )}
      {partial && <ErrorText message="Some sessions were not shared; see the reasons above. Fix the labels and try again, or close." />}
    </Modal>
  );
}
