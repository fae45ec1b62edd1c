import { useState } from 'react';
import { FieldsForm, type FieldSpec } from './fields-form.tsx';
import { FieldList } from './status.tsx';

/**
 * A panel of descriptive fields with an Edit button for those who may change them. Saving waits
 * for the page to show the stored values before the form closes.
 */
export function EditableFields({ title, editLabel, idPrefix, fields, values, editable, note, onSave }: {
  readonly title: string;
  readonly editLabel: string;
  readonly idPrefix: string;
  readonly fields: readonly FieldSpec[];
  readonly values: Readonly<Record<string, string>>;
  readonly editable: boolean;
  /** Why the fields cannot be changed here (shared data), shown above them. */
  readonly note?: string;
  readonly onSave: (changes: Record<string, string>) => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const headingId = `${idPrefix}-fields-heading`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <div className="panel-head">
        <h2 id={headingId}>{title}</h2>
        {editable && !editing && <button type="button" className="button secondary small" onClick={() => setEditing(true)}>{editLabel}</button>}
      </div>
      {note && <p className="muted">{note}</p>}
      {editing ? (
        <FieldsForm idPrefix={idPrefix} fields={fields} values={values} onCancel={() => setEditing(false)}
          onSave={async (changes) => {
            await onSave(changes);
            setEditing(false);
          }} />
      ) : (
        <FieldList items={fields.map((f) => ({ label: f.label, value: values[f.key] ?? '' }))} />
      )}
    </section>
  );
}
