import { useState } from 'react';
import { DataTable } from '../../components/data-table.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { formatBytes } from '../../lib/format.ts';
import { toggled } from '../../lib/sets.ts';
import { useLoad } from '../../lib/use-load.ts';
import { listScans, sessionZipUrl, type ScanRow, type SessionDetail } from '../../xnat/sessions.ts';

/** Scans with ID, type, series description, quality, file counts and sizes; download all or chosen ones. */
export function ScansPanel({ project, session }: { readonly project: string; readonly session: SessionDetail }) {
  const scans = useLoad((signal) => listScans(project, session.label, signal), [project, session.id]);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  return (
    <section className="panel" aria-labelledby="scans-heading">
      <div className="panel-head">
        <h2 id="scans-heading">Scans</h2>
        <div className="panel-actions">
          <a className="button secondary" href={sessionZipUrl(session.id)} download>Download session (zip)</a>
          {chosen.size > 0 && <a className="button" href={sessionZipUrl(session.id, [...chosen])} download>Download {chosen.size} chosen scan{chosen.size === 1 ? '' : 's'}</a>}
        </div>
      </div>
      <LoadState load={scans} what="Loading scans">{(rows) => {
        const files = rows.reduce((n, r) => n + r.fileCount, 0);
        const bytes = rows.reduce((n, r) => n + r.fileSize, 0);
        return (
          <>
            <DataTable<ScanRow>
              label={`Scans of ${session.label}`} testId="scans-table" rows={rows} rowKey={(r) => r.id} empty="This session has no scans."
              columns={[
                { key: 'pick', header: <span className="sr-only">Choose</span>, render: (r) => <input type="checkbox" aria-label={`Choose scan ${r.id}`} checked={chosen.has(r.id)} onChange={(e) => setChosen((c) => toggled(c, r.id, e.target.checked))} /> },
                { key: 'id', header: 'Scan', render: (r) => r.id },
                { key: 'type', header: 'Type', render: (r) => r.type },
                { key: 'desc', header: 'Series description', render: (r) => r.seriesDescription },
                { key: 'quality', header: 'Quality', render: (r) => r.quality },
                { key: 'files', header: 'Files', numeric: true, render: (r) => r.fileCount.toLocaleString('en') },
                { key: 'size', header: 'Size', numeric: true, render: (r) => formatBytes(r.fileSize) },
              ]}
            />
            {rows.length > 0 && <p className="muted totals" data-testid="scan-totals">{rows.length} scans, {files.toLocaleString('en')} files, {formatBytes(bytes)}</p>}
          </>
        );
      }}</LoadState>
    </section>
  );
}
