import { useState } from 'react';
import { DataTable } from '../../components/data-table.tsx';
import { Modal } from '../../components/modal.tsx';
import { Badge, ErrorText, Notice } from '../../components/status.tsx';
import { parseCsv } from '../../lib/csv.ts';
import { getRows, enc } from '../../xnat/http.ts';
import { createSubject } from '../../xnat/subjects.ts';

/** Spreadsheet headings people use, mapped to XNAT's subject fields (`label` is required). */
const HEADINGS: Record<string, string> = {
  label: 'label', subject: 'label', subjectlabel: 'label', subjectid: 'label', id: 'label',
  group: 'group', gender: 'gender', sex: 'gender', handedness: 'handedness', dob: 'dob', dateofbirth: 'dob', birthdate: 'dob',
  yob: 'yob', yearofbirth: 'yob', age: 'age', race: 'race', ethnicity: 'ethnicity', height: 'height', weight: 'weight',
  education: 'education', ses: 'ses', src: 'src', source: 'src', recruitmentsource: 'src', note: 'note', notes: 'note',
};
const LABEL = /^[A-Za-z0-9_-]+$/;

interface PlannedRow {
  readonly line: number;
  readonly label: string;
  readonly fields: Record<string, string>;
  problem?: string;
  result?: 'added' | 'failed';
  message?: string;
}

interface Plan {
  readonly rows: PlannedRow[];
  readonly used: readonly string[];
  readonly ignored: readonly string[];
}

async function readPlan(file: File, project: string): Promise<Plan> {
  const table = parseCsv(await file.text());
  const header = table[0];
  if (!header) throw new Error('The file is empty.');
  const keys = header.map((h) => HEADINGS[h.toLowerCase().replace(/[\s_-]/g, '')]);
  const labelAt = keys.indexOf('label');
  if (labelAt < 0) throw new Error(`The first row must name the columns, with one called “label” (found: ${header.join(', ') || 'nothing'}).`);
  const seen = new Set<string>();
  const rows: PlannedRow[] = table.slice(1).map((cells, i) => {
    const fields: Record<string, string> = {};
    keys.forEach((k, c) => {
      if (k && k !== 'label' && (cells[c] ?? '').trim()) fields[k] = (cells[c] as string).trim();
    });
    const label = (cells[labelAt] ?? '').trim();
    const row: PlannedRow = { line: i + 2, label, fields };
    if (!label) row.problem = 'No label';
    else if (!LABEL.test(label)) row.problem = 'Only letters, digits, _ and - are allowed in labels';
    else if (seen.has(label)) row.problem = 'Listed twice in this file';
    seen.add(label);
    return row;
  });
  const candidates = rows.filter((r) => !r.problem).map((r) => r.label);
  const existing = new Set<string>();
  for (let i = 0; i < candidates.length; i += 100) {
    const found = await getRows(`/data/projects/${enc(project)}/subjects`, { columns: 'label', label: candidates.slice(i, i + 100).join(',') });
    found.forEach((r) => existing.add(r.label ?? ''));
  }
  for (const r of rows) if (!r.problem && existing.has(r.label)) r.problem = `Already in ${project}; it will be left as it is`;
  return {
    rows,
    used: [...new Set(keys.filter((k): k is string => !!k))],
    ignored: header.filter((_, c) => !keys[c]),
  };
}

/** Adds many subjects from a CSV spreadsheet: preview first, then add, with a result per row. */
export function BulkAddSubjects({ project, onClose, onAdded }: { readonly project: string; readonly onClose: () => void; readonly onAdded: () => void }) {
  const [plan, setPlan] = useState<Plan>();
  const [error, setError] = useState<string>();
  const [progress, setProgress] = useState<{ done: number; total: number }>();
  const [finished, setFinished] = useState(false);
  const [, redraw] = useState(0);

  const choose = async (file: File | undefined) => {
    setPlan(undefined);
    setError(undefined);
    setFinished(false);
    if (!file) return;
    try {
      setPlan(await readPlan(file, project));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const todo = plan?.rows.filter((r) => !r.problem) ?? [];
  const add = async () => {
    let done = 0;
    setProgress({ done, total: todo.length });
    const queue = [...todo];
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        try {
          await createSubject(project, row.label, row.fields);
          row.result = 'added';
        } catch (e) {
          row.result = 'failed';
          row.message = (e as Error).message;
        }
        setProgress({ done: ++done, total: todo.length });
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    setFinished(true);
    redraw((n) => n + 1);
    onAdded();
  };

  const added = todo.filter((r) => r.result === 'added').length;
  const failed = todo.filter((r) => r.result === 'failed');
  return (
    <Modal title="Add subjects from a spreadsheet" onClose={onClose} wide footer={<>
      {!finished && <button type="button" className="button" disabled={!plan || todo.length === 0 || progress !== undefined} onClick={() => void add()}>
        {progress ? `Adding ${progress.done} of ${progress.total}…` : `Add ${todo.length} subject${todo.length === 1 ? '' : 's'}`}
      </button>}
      <button type="button" className="button secondary" onClick={onClose}>{finished ? 'Close' : 'Cancel'}</button>
    </>}>
      <p>Save the spreadsheet as CSV. The first row names the columns: <code>label</code> (required), and any of group, gender, handedness, dob, yob, age, race, ethnicity, height, weight, education, ses, src, note.</p>
      <label htmlFor="bulk-file">Spreadsheet (CSV)</label>
      <input id="bulk-file" type="file" accept=".csv,text/csv" onChange={(e) => void choose(e.target.files?.[0])} disabled={progress !== undefined} />
      <ErrorText message={error} />
      {plan && (
        <>
          <p className="muted">
            {plan.rows.length} row{plan.rows.length === 1 ? '' : 's'} read; columns used: {plan.used.join(', ')}.
            {plan.ignored.length > 0 && ` Columns not used: ${plan.ignored.join(', ')}.`}
          </p>
          {finished && <Notice>Added {added} subject{added === 1 ? '' : 's'} to {project}.{failed.length > 0 && ` ${failed.length} could not be added; see below.`}</Notice>}
          <DataTable<PlannedRow>
            label="Subjects in the spreadsheet" testId="bulk-preview" rows={plan.rows} rowKey={(r) => String(r.line)} empty="The spreadsheet has no rows below the header."
            columns={[
              { key: 'line', header: 'Row', numeric: true, render: (r) => r.line },
              { key: 'label', header: 'Label', render: (r) => r.label },
              { key: 'fields', header: 'Details', render: (r) => Object.entries(r.fields).map(([k, v]) => `${k}: ${v}`).join(', ') },
              { key: 'status', header: 'Status', render: (r) => (r.result === 'added' ? <Badge tone="ok">Added</Badge>
                : r.result === 'failed' ? <span className="error-text">{r.message}</span>
                : r.problem ? <span className="warn-text">{r.problem}</span> : <span className="muted">Will be added</span>) },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
