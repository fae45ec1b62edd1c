import { useState, type FormEvent } from 'react';
import { DataTable } from '../../components/data-table.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { ErrorText, Notice } from '../../components/status.tsx';
import { useLoad } from '../../lib/use-load.ts';
import { addMember, GROUPS, listMembers, listUsers, removeMember, type Group, type Member } from '../../xnat/members.ts';
import { setAccessibility, type ProjectSummary } from '../../xnat/projects.ts';

const LEVELS: readonly { id: ProjectSummary['accessibility']; label: string; help: string }[] = [
  { id: 'private', label: 'Private', help: 'Only the people listed here see the project and its data.' },
  { id: 'protected', label: 'Protected', help: 'Everyone sees that the project exists; only the people listed here see its data.' },
  { id: 'public', label: 'Public', help: 'Everyone who can log in can read its data.' },
];

/** Owners add and remove people per group and choose who can see the project. */
export function ManageAccessPanel({ project, onChange }: { readonly project: ProjectSummary; readonly onChange: () => void }) {
  const members = useLoad((signal) => listMembers(project.id, signal), [project.id]);
  const [rowError, setRowError] = useState<{ login: string; message: string }>();
  const [done, setDone] = useState<string>();

  const change = async (m: Member, next: Group | 'remove') => {
    setRowError(undefined);
    setDone(undefined);
    try {
      if (next === 'remove') await removeMember(project.id, m.group, m.login);
      else await addMember(project.id, next, m.login);
      setDone(next === 'remove' ? `${m.login} no longer has access to ${project.id}.` : `${m.login} is now in ${groupLabel(next)}.`);
      members.reload();
    } catch (e) {
      setRowError({ login: m.login, message: (e as Error).message });
    }
  };

  return (
    <div className="stack">
      <section className="panel" aria-labelledby="members-heading">
        <h2 id="members-heading">People with access</h2>
        {done && <Notice>{done}</Notice>}
        <LoadState load={members} what="Loading members">{(list) => (
          <DataTable<Member>
            label={`Members of ${project.id}`} testId="members-table" rows={list} rowKey={(m) => m.login} empty="Nobody has been added yet."
            columns={[
              { key: 'login', header: 'User', render: (m) => <><strong>{m.login}</strong>{m.name && <span className="muted"> · {m.name}</span>}</> },
              { key: 'email', header: 'E-mail', render: (m) => m.email },
              {
                key: 'group', header: 'Group', render: (m) => (
                  <>
                    <select aria-label={`Group of ${m.login}`} value={m.group} onChange={(e) => void change(m, e.target.value as Group)}>
                      {GROUPS.map((g) => <option key={g.id} value={g.id}>{g.label}</option>)}
                    </select>
                    {rowError?.login === m.login && <ErrorText message={rowError.message} />}
                  </>
                ),
              },
              { key: 'remove', header: <span className="sr-only">Remove</span>, render: (m) => <button type="button" className="button danger small" onClick={() => void change(m, 'remove')}>Remove {m.login}</button> },
            ]}
          />
        )}</LoadState>
        <AddMemberForm project={project.id} onAdded={(login, group) => { setDone(`${login} was added to ${groupLabel(group)}.`); members.reload(); }} />
      </section>
      <AccessibilityForm project={project} onChange={onChange} />
    </div>
  );
}

const groupLabel = (g: Group) => GROUPS.find((x) => x.id === g)?.label ?? g;

function AddMemberForm({ project, onAdded }: { readonly project: string; readonly onAdded: (login: string, group: Group) => void }) {
  const users = useLoad((signal) => listUsers(signal), []);
  const [login, setLogin] = useState('');
  const [group, setGroup] = useState<Group>('member');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const who = login.trim();
    if (!who) {
      setError('Enter the username of the person to add.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await addMember(project, group, who);
      setLogin('');
      onAdded(who, group);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Add a person" noValidate>
      <label htmlFor="add-member-login">Add user</label>
      <input id="add-member-login" list="known-users" value={login} onChange={(e) => setLogin(e.target.value)} placeholder="Username"
        aria-invalid={error ? true : undefined} aria-describedby={error ? 'add-member-error' : undefined} autoComplete="off" />
      <datalist id="known-users">{(users.data ?? []).map((u) => <option key={u.login} value={u.login}>{u.name}</option>)}</datalist>
      <label htmlFor="add-member-group" className="sr-only">Group</label>
      <select id="add-member-group" value={group} onChange={(e) => setGroup(e.target.value as Group)}>
        {GROUPS.map((g) => <option key={g.id} value={g.id}>{g.label}</option>)}
      </select>
      <button type="submit" className="button" disabled={busy}>{busy ? 'Adding…' : 'Add'}</button>
      <ErrorText message={error} id="add-member-error" />
    </form>
  );
}

function AccessibilityForm({ project, onChange }: { readonly project: ProjectSummary; readonly onChange: () => void }) {
  const [level, setLevel] = useState(project.accessibility);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      await setAccessibility(project.id, level);
      setSaved(true);
      onChange();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section className="panel" aria-labelledby="accessibility-heading">
      <h2 id="accessibility-heading">Who can see this project</h2>
      <form onSubmit={(e) => void save(e)}>
        <fieldset className="choices">
          <legend className="sr-only">Accessibility</legend>
          {LEVELS.map((l) => (
            <label key={l.id} className="choice">
              <input type="radio" name="accessibility" value={l.id} checked={level === l.id} onChange={() => setLevel(l.id)} />
              <span><strong>{l.label}</strong> <span className="muted">{l.help}</span></span>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button" disabled={level === project.accessibility}>Save accessibility</button>
        {saved && <Notice>Project {project.id} is now {level}.</Notice>}
        <ErrorText message={error} />
      </form>
    </section>
  );
}
