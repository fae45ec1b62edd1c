/**
 * XNAT's page URLs (`/app/template/...`, `/app/action/...`) that people keep in bookmarks, e-mails
 * and papers, mapped onto the web UI's own addresses. Anything unrecognised goes to the home page.
 */
export function uiPathForXnatAppUrl(pathname: string): string {
  const segments = pathname.split('/').filter(Boolean).map(safeDecode);
  if (segments[0] !== 'app') return '/';
  const rest = segments.slice(1);
  const screen = rest[1] ?? '';
  const pairs = namedValues(rest);
  const element = (pairs.get('search_element') ?? '').toLowerCase();
  const value = pairs.get('search_value');
  const project = pairs.get('project');
  const enc = encodeURIComponent;

  if (value && (element === 'xnat:projectdata' || /XDATScreen_report_xnat_projectData/i.test(screen))) return `/projects/${enc(value)}`;
  if (value && element === 'xnat:subjectdata') return project ? `/projects/${enc(project)}/subjects/${enc(value)}` : `/subjects/${enc(value)}`;
  if (value && /^xnat:\w+(sessiondata|assessordata|data)$/.test(element)) {
    return project ? `/projects/${enc(project)}/experiments/${enc(value)}` : `/experiments/${enc(value)}`;
  }
  if (/^XDATScreen_uploadCompressed/i.test(screen) || /^UploadOptions/i.test(screen)) return '/upload';
  if (/^XDATScreen_prearchives/i.test(screen) || /prearchive/i.test(screen)) return '/prearchive';
  if (/^XDATScreen_download_sessions/i.test(screen)) return '/download';
  if (/^Login/i.test(screen)) return '/login';
  if (/^LogoutUser/i.test(screen) || /^Logout/i.test(screen)) return '/logout';
  return '/';
}

/** XNAT page URLs carry parameters as `/name/value` pairs after the screen name. */
function namedValues(segments: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 2; i + 1 < segments.length; i += 2) out.set((segments[i] as string).toLowerCase(), segments[i + 1] as string);
  return out;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
