import { DataTable } from '../../components/data-table.tsx';
import { LoadState } from '../../components/load-state.tsx';
import { formatBytes } from '../../lib/format.ts';
import { useLoad } from '../../lib/use-load.ts';
import { listResources, type ResourceRow, type SessionDetail } from '../../xnat/sessions.ts';

const WHERE: Record<string, string> = { resources: 'Session', scans: 'Scan', assessors: 'Assessor', reconstructions: 'Reconstruction' };

/** Resource folders of the session and of its scans (DICOM, NIFTI, pipeline outputs...). */
export function ResourcesPanel({ project, session }: { readonly project: string; readonly session: SessionDetail }) {
  const resources = useLoad((signal) => listResources(project, session.label, signal), [project, session.id]);
  return (
    <section className="panel" aria-labelledby="resources-heading">
      <h2 id="resources-heading">Resources</h2>
      <LoadState load={resources} what="Loading resources">{(rows) => (
        <DataTable<ResourceRow>
          label={`Resources of ${session.label}`} testId="resources-table" rows={rows} rowKey={(r) => r.id} empty="This session has no resources."
          columns={[
            { key: 'where', header: 'Belongs to', render: (r) => (r.category === 'scans' ? `Scan ${r.scanId}${r.scanType ? ` (${r.scanType})` : ''}` : WHERE[r.category] ?? r.category) },
            { key: 'label', header: 'Resource', render: (r) => r.label },
            { key: 'format', header: 'Format', render: (r) => r.format },
            { key: 'content', header: 'Content', render: (r) => r.content },
            { key: 'files', header: 'Files', numeric: true, render: (r) => r.fileCount.toLocaleString('en') },
            { key: 'size', header: 'Size', numeric: true, render: (r) => formatBytes(r.fileSize) },
          ]}
        />
      )}</LoadState>
    </section>
  );
}
