import { NO_RULES, type RoutingRules } from '../../domain/dicom-routing.js';

export class RoutingRulesService {
  async siteRules(): Promise<RoutingRules> {
    return NO_RULES;
  }
  async projectRules(_projectId: string): Promise<RoutingRules> {
    return NO_RULES;
  }
}
