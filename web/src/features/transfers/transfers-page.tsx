import { useEffect } from 'react';
import { Link } from '../../app/router.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useLoad, useTitle } from '../../lib/use-load.ts';
import { listTransfers, type Transfer } from '../../xnat/transfers.ts';
import { isActive, TransferStateBadge } from './transfer-state.tsx';

/** The transfers you started, newest first; running ones refresh by themselves. */
export function TransfersPage() {
  useTitle('Transfers');
  const transfers = useLoad((signal) => listTransfers(signal), []);
  const active = transfers.data?.some(isActive) ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void transfers.reload(), 1000);
    return () => clearInterval(timer);
  }, [active, transfers.reload]);
  return (
    <>
      <PageHeader title="Transfers" kicker="Copy and move between projects" crumbs={[{ label: 'Home', to: '/' }, { label: 'Transfers' }]}
        actions={<Link className="button" to="/transfers/new">New transfer</Link>} />
      <section className="panel">
        <LoadState load={transfers} what="Loading transfers">{(rows) => (
          <DataTable<Transfer>
            label="Transfers" testId="transfers-table" rows={rows} rowKey={(t) => t.id} empty="You have not started any transfer yet."
            columns={[
              { key: 'when', header: 'Started', render: (t) => <Link to={`/transfers/${encodeURIComponent(t.id)}`}>{t.createdAt.slice(0, 19).replace('T', ' ')}</Link> },
              { key: 'what', header: 'Transfer', render: (t) => `${t.mode === 'move' ? 'Move' : 'Copy'} ${t.source} → ${t.destination}` },
              { key: 'state', header: 'State', render: (t) => <TransferStateBadge transfer={t} /> },
              { key: 'result', header: 'Result', render: (t) => t.report?.message ?? '' },
            ]}
          />
        )}</LoadState>
      </section>
    </>
  );
}
