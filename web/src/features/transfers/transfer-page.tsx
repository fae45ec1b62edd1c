import { useEffect, useState } from 'react';
import { DataTable } from '../../components/data-table.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { ErrorText, FieldList } from '../../components/status.tsx';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { cancelTransfer, getTransfer, type Transfer } from '../../xnat/transfers.ts';
import { ChecklistView } from './checklist-view.tsx';
import { isActive, TransferStateBadge } from './transfer-state.tsx';

const COUNTS = ['subjects', 'experiments', 'scans', 'resources', 'files', 'bytes'] as const;

/** One transfer: progress while it runs (cancel), then its verification report. */
export function TransferPage({ id }: { readonly id: string }) {
  useTitle('Transfer');
  const load = useLoad((signal) => getTransfer(id, signal), [id]);
  const active = load.data ? isActive(load.data) : false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void load.reload(), 500);
    return () => clearInterval(timer);
  }, [active, load.reload]);
  return (
    <>
      <PageHeader title="Transfer" crumbs={[{ label: 'Home', to: '/' }, { label: 'Transfers', to: '/transfers' }, { label: id.slice(0, 8) }]} />
      <LoadState load={load} what="Loading the transfer">{(t) => <TransferView transfer={t} reload={load.reload} />}</LoadState>
    </>
  );
}

function TransferView({ transfer: t, reload }: { readonly transfer: Transfer; readonly reload: () => Promise<void> }) {
  const [error, setError] = useState<string>();
  const cancel = async () => {
    setError(undefined);
    try {
      await cancelTransfer(t.id);
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const v = t.report?.verification;
  return (
    <div className="stack">
      <section className="panel" data-testid="transfer-summary">
        <h2>{t.mode === 'move' ? 'Move' : 'Copy'} from {t.source} to {t.destination} <TransferStateBadge transfer={t} /></h2>
        {isActive(t) && (
          <div className="progress-box" role="status">
            <progress max={100} value={t.progress.percent} aria-label="Transfer progress" />
            <span>{t.phase}: {t.progress.experimentsDone} of {t.progress.experimentsTotal} sessions, {t.progress.filesDone} of {t.progress.filesTotal} files</span>
            <button type="button" className="button danger small" disabled={t.cancelRequested} onClick={() => void cancel()}>{t.cancelRequested ? 'Cancelling…' : 'Cancel'}</button>
          </div>
        )}
        <ErrorText message={error} />
        {t.report && <p className={t.report.outcome === 'succeeded' ? 'notice' : 'error-text'} role="status" data-testid="transfer-outcome">{t.report.message}</p>}
        {t.report?.sourceKeptReason && <p className="warn-text">The source was kept: {t.report.sourceKeptReason}</p>}
        <FieldList items={[{ label: 'Started by', value: t.createdBy }, { label: 'Started', value: t.createdAt.replace('T', ' ').slice(0, 19) }, { label: 'Finished', value: t.finishedAt?.replace('T', ' ').slice(0, 19) ?? '' }]} />
      </section>
      {v && (
        <section className="panel" aria-labelledby="verification-heading">
          <h2 id="verification-heading">Verification: {v.passed ? 'passed' : 'failed'}</h2>
          <table aria-label="Verification counts" data-testid="verification">
            <thead><tr><th scope="col">Checked</th><th scope="col" className="num">Expected</th><th scope="col" className="num">Found</th></tr></thead>
            <tbody>{COUNTS.map((k) => <tr key={k}><td>{k}</td><td className="num">{v.expected[k] ?? 0}</td><td className="num">{v.found[k] ?? 0}</td></tr>)}</tbody>
          </table>
          {v.problems.length > 0 && <ul>{v.problems.map((p, i) => <li key={i} className="error-text">{p.kind}: {p.item}{p.path ? ` (${p.path})` : ''}</li>)}</ul>}
        </section>
      )}
      {t.report && (
        <section className="panel" aria-labelledby="transfer-sessions-heading">
          <h2 id="transfer-sessions-heading">Sessions</h2>
          <DataTable
            label="Sessions of this transfer" rows={t.report.experiments} rowKey={(e) => e.sourceLabel} empty="No sessions."
            columns={[
              { key: 'from', header: 'Session', render: (e) => e.sourceLabel },
              { key: 'to', header: 'In the destination', render: (e) => e.destLabel },
              { key: 'status', header: 'Status', render: (e) => (e.error ? <span className="error-text">{e.status}: {e.error}</span> : e.status) },
            ]}
          />
        </section>
      )}
      {!t.report && t.checklist && <ChecklistView checklist={t.checklist} />}
    </div>
  );
}
