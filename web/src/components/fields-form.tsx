import { useState, type FormEvent } from 'react';
import { ErrorText } from './status.tsx';

export interface FieldSpec {
  readonly key: string;
  readonly label: string;
  readonly kind?: 'select' | 'date' | 'time' | 'number' | 'text';
  readonly options?: readonly string[];
}

/**
 * Edits descriptive fields. Only changed fields are sent (an emptied field is cleared). A server
 * refusal naming a field ("Invalid value 'x' for yob: ...") is shown under that field.
 */
export function FieldsForm({ fields, values, onSave, onCancel, idPrefix }: {
  readonly fields: readonly FieldSpec[];
  readonly values: Readonly<Record<string, string>>;
  readonly onSave: (changes: Record<string, string>) => Promise<void>;
  readonly onCancel: () => void;
  readonly idPrefix: string;
}) {
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.key, values[f.key] ?? ''])));
  const [error, setError] = useState<{ field?: string; message: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const changes = Object.fromEntries(fields.filter((f) => draft[f.key] !== (values[f.key] ?? '')).map((f) => [f.key, draft[f.key] ?? '']));
    if (Object.keys(changes).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onSave(changes);
    } catch (err) {
      const message = (err as Error).message;
      const field = /\bfor (\w+):/.exec(message)?.[1];
      setError({ field: fields.some((f) => f.key === field) ? field : undefined, message });
      setBusy(false);
    }
  };
  return (
    <form className="fields-form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="form-grid">
        {fields.map((f) => {
          const id = `${idPrefix}-${f.key}`;
          const invalid = error?.field === f.key;
          const common = {
            id, value: draft[f.key] ?? '', 'aria-invalid': invalid || undefined, 'aria-describedby': invalid ? `${id}-error` : undefined,
          };
          const set = (v: string) => setDraft((d) => ({ ...d, [f.key]: v }));
          return (
            <div key={f.key} className={f.kind === 'text' ? 'form-field wide' : 'form-field'}>
              <label htmlFor={id}>{f.label}</label>
              {f.kind === 'select' ? (
                <select {...common} onChange={(e) => set(e.target.value)}>
                  <option value="">—</option>
                  {f.options?.map((o) => <option key={o} value={o}>{o}</option>)}
                </select>
              ) : f.kind === 'text' ? (
                <textarea {...common} rows={3} onChange={(e) => set(e.target.value)} />
              ) : (
                <input {...common} inputMode={f.kind === 'number' ? 'decimal' : undefined} placeholder={f.kind === 'date' ? 'YYYY-MM-DD' : f.kind === 'time' ? 'HH:MM:SS' : undefined}
                  onChange={(e) => set(e.target.value)} />
              )}
              {invalid && <ErrorText message={error?.message} id={`${id}-error`} />}
            </div>
          );
        })}
      </div>
      {error && !error.field && <ErrorText message={error.message} />}
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy}>{busy ? 'Saving…' : 'Save'}</button>
        <button type="button" className="button secondary" onClick={onCancel} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}
