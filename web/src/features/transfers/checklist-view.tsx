import { DataTable } from '../../components/data-table.tsx';
import { Badge, FieldList } from '../../components/status.tsx';
import { describeType, formatBytes, formatCount } from '../../lib/format.ts';
import type { Checklist } from '../../xnat/transfers.ts';

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

/** The dry run's pre-transfer checklist (seeds 001/003): access, settings, what merges, conflicts, sizes. */
export function ChecklistView({ checklist: c }: { readonly checklist: Checklist }) {
  const t = c.totals;
  const verb = c.mode === 'move' ? 'moved' : 'copied';
  return (
    <section className="panel" aria-labelledby="checklist-heading" data-testid="checklist">
      <h2 id="checklist-heading">Pre-transfer checklist</h2>
      {c.ok
        ? <p className="notice" role="status">Ready: {formatCount(t.subjects, 'subject')}, {formatCount(t.experiments, 'session')}, {formatCount(t.files, 'file')} ({formatBytes(t.bytes)}) will be {verb}.</p>
        : (
          <div role="alert" className="problems">
            <p className="error-text">This transfer cannot start:</p>
            <ul>{c.problems.map((p, i) => <li key={i} className="error-text">{p.message}</li>)}</ul>
          </div>
        )}
      {c.warnings.length > 0 && <ul className="warnings">{c.warnings.map((w, i) => <li key={i} className="warn-text">{w}</li>)}</ul>}
      <FieldList items={[
        { label: `Access to ${c.access.source.project}`, value: `${c.access.source.role}: read ${yesNo(c.access.source.read)}, delete ${yesNo(c.access.source.delete)}` },
        { label: `Access to ${c.access.destination.project}`, value: `${c.access.destination.role}: write ${yesNo(c.access.destination.write)}, new subjects ${yesNo(c.access.destination.createSubjects)}` },
        { label: 'Destination uploads go to', value: c.destinationSettings.uploadsGoTo },
        { label: 'This transfer goes to', value: c.destinationSettings.transfersGoTo },
        { label: 'Storage', value: `${c.storage.method === 'hardlink' ? 'hard links (no extra space)' : `${formatBytes(c.storage.bytesNeeded)} of ${formatBytes(c.storage.bytesFree)} free`}${c.storage.enough ? '' : ' – not enough space'}` },
      ]} />
      <DataTable
        label="Sessions in this transfer" testId="checklist-sessions" rows={c.experiments} rowKey={(e) => e.sourceLabel} empty="No session is selected."
        columns={[
          { key: 'from', header: 'Session', render: (e) => e.sourceLabel },
          { key: 'to', header: 'Becomes', render: (e) => `${e.destSubjectLabel} / ${e.destLabel}` },
          { key: 'type', header: 'Type', render: (e) => describeType(e.xsiType) },
          { key: 'action', header: 'Action', render: (e) => (e.action === 'merge' ? <Badge tone="warn">merges into existing</Badge> : 'new') },
          { key: 'uid', header: 'Study UID', render: (e) => (e.studyInstanceUid ? (e.studyInstanceUid.agree ? 'same study' : <span className="error-text">differs</span>) : '') },
          { key: 'files', header: 'Files', numeric: true, render: (e) => e.files.toLocaleString('en') },
          { key: 'size', header: 'Size', numeric: true, render: (e) => formatBytes(e.bytes) },
        ]}
      />
    </section>
  );
}
