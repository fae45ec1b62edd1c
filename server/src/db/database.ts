import type { Kysely, Transaction } from 'kysely';
import type { AliasTokenTable, UserAccountTable, UserSessionTable } from './tables/user.table.js';
import type { ProjectAliasTable, ProjectMemberTable, ProjectTable } from './tables/project.table.js';
import type { SubjectLabelTable, SubjectTable } from './tables/subject.table.js';
import type { ExperimentLabelTable, ExperimentTable } from './tables/experiment.table.js';
import type { ScanTable } from './tables/scan.table.js';
import type { ResourceFileTable, ResourceTable } from './tables/resource.table.js';
import type { AuditEventTable } from './tables/audit.table.js';
import type { ConfigEntryTable, IdCounterTable, SiteSettingTable } from './tables/site.table.js';
import type { JobTable } from './tables/job.table.js';
import type { TransferTable } from './tables/transfer.table.js';
import type { DownloadCatalogTable } from './tables/download-catalog.table.js';
import type { PrearchiveFileTable, PrearchiveScanTable, PrearchiveSessionTable } from './tables/prearchive.table.js';

export interface DB {
  user_account: UserAccountTable;
  user_session: UserSessionTable;
  alias_token: AliasTokenTable;
  project: ProjectTable;
  project_alias: ProjectAliasTable;
  project_member: ProjectMemberTable;
  subject: SubjectTable;
  subject_label: SubjectLabelTable;
  experiment: ExperimentTable;
  experiment_label: ExperimentLabelTable;
  scan: ScanTable;
  resource: ResourceTable;
  resource_file: ResourceFileTable;
  audit_event: AuditEventTable;
  id_counter: IdCounterTable;
  site_setting: SiteSettingTable;
  config_entry: ConfigEntryTable;
  job: JobTable;
  transfer: TransferTable;
  download_catalog: DownloadCatalogTable;
  prearchive_session: PrearchiveSessionTable;
  prearchive_scan: PrearchiveScanTable;
  prearchive_file: PrearchiveFileTable;
}

/** A database handle or an open transaction; repositories take either. */
export type Db = Kysely<DB> | Transaction<DB>;
