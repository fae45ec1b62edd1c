/** A download catalog built by POST /xapi/archive/download, kept for its owner to fetch as XML or zip. */
export interface DownloadCatalogTable {
  /** `{login}-{yyyyMMdd_HHmmssSSS}` as XNAT names them. */
  id: string;
  /** The user who built it; only they can read it. */
  login: string;
  /** The catalog as JSON (domain/download-catalog.ts). */
  body: string;
  created_at: string;
  expires_at: string;
}
