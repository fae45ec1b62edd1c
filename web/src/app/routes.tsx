import type { ReactNode } from 'react';
import { LoginPage, LogoutPage } from '../features/auth/login-page.tsx';
import { DownloadPage } from '../features/download/download-page.tsx';
import { HomePage } from '../features/home/home-page.tsx';
import { PrearchivePage } from '../features/prearchive/prearchive-page.tsx';
import { PrearchiveSessionPage } from '../features/prearchive/prearchive-session-page.tsx';
import { ProjectPage } from '../features/projects/project-page.tsx';
import { OpenByIdPage } from '../features/navigation/open-by-id-page.tsx';
import { SessionPage } from '../features/sessions/session-page.tsx';
import { SubjectPage } from '../features/subjects/subject-page.tsx';
import { NewTransferPage } from '../features/transfers/new-transfer-page.tsx';
import { TransferPage } from '../features/transfers/transfer-page.tsx';
import { TransfersPage } from '../features/transfers/transfers-page.tsx';
import { UploadPage } from '../features/upload/upload-page.tsx';

export interface Route {
  readonly pattern: string;
  readonly render: (params: Record<string, string>) => ReactNode;
  /** Shown to anonymous visitors even when the site requires login. */
  readonly open?: boolean;
}

/** Every UI address. The server answers the same list with the app (server/src/http/web/web-ui.plugin.ts UI_ROUTES). */
export const ROUTES: readonly Route[] = [
  { pattern: '/', render: () => <HomePage /> },
  { pattern: '/projects', render: () => <HomePage /> },
  { pattern: '/login', render: () => <LoginPage />, open: true },
  { pattern: '/logout', render: () => <LogoutPage />, open: true },
  { pattern: '/projects/:project', render: (p) => <ProjectPage key={p.project} project={p.project!} /> },
  { pattern: '/projects/:project/subjects/:subject', render: (p) => <SubjectPage key={`${p.project}/${p.subject}`} project={p.project!} subject={p.subject!} /> },
  { pattern: '/projects/:project/experiments/:session', render: (p) => <SessionPage key={`${p.project}/${p.session}`} project={p.project!} session={p.session!} /> },
  { pattern: '/projects/:project/subjects/:subject/experiments/:session', render: (p) => <SessionPage key={`${p.project}/${p.session}`} project={p.project!} session={p.session!} /> },
  { pattern: '/subjects/:id', render: (p) => <OpenByIdPage kind="subjects" id={p.id!} /> },
  { pattern: '/experiments/:id', render: (p) => <OpenByIdPage kind="experiments" id={p.id!} /> },
  { pattern: '/upload', render: () => <UploadPage /> },
  { pattern: '/prearchive', render: () => <PrearchivePage /> },
  { pattern: '/prearchive/:project/:timestamp/:folder', render: (p) => <PrearchiveSessionPage project={p.project!} timestamp={p.timestamp!} folder={p.folder!} /> },
  { pattern: '/download', render: () => <DownloadPage /> },
  { pattern: '/transfers', render: () => <TransfersPage /> },
  { pattern: '/transfers/new', render: () => <NewTransferPage /> },
  { pattern: '/transfers/:id', render: (p) => <TransferPage key={p.id} id={p.id!} /> },
];
