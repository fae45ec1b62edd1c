import type { AccessService } from './access.service.js';
import type { ActivityService } from './activity.service.js';
import type { AuthService } from './auth.service.js';
import type { ConfigService } from './config.service.js';
import type { ExperimentService } from './experiment.service.js';
import type { Locator } from './locator.js';
import type { ProjectService } from './project.service.js';
import type { ResourceService } from './resource.service.js';
import type { ScanService } from './scan.service.js';
import type { SubjectService } from './subject.service.js';
import type { UserService } from './user.service.js';

/** Every use-case service, as the edges (HTTP, DICOM, CLI, jobs) see them. */
export interface Services {
  readonly access: AccessService;
  readonly locator: Locator;
  readonly auth: AuthService;
  readonly users: UserService;
  readonly projects: ProjectService;
  readonly subjects: SubjectService;
  readonly experiments: ExperimentService;
  readonly scans: ScanService;
  readonly resources: ResourceService;
  readonly activity: ActivityService;
  readonly config: ConfigService;
}
