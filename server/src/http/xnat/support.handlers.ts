import { notImplemented } from '../../domain/errors.js';
import { EXPERIMENT_FIELDS, PROJECT_FIELDS, SCAN_FIELDS, SUBJECT_FIELDS, fieldsFor } from '../../domain/fields.js';
import { XSI_TYPES, findXsiType, typeChain } from '../../domain/xsi-types.js';
import { sendTable, sendText } from './context.js';
import type { XnatRouter } from './router.js';

/** Routes clients probe at connect time that are neither archive nor auth (xnat-api.md §10). */
export function registerSupportRoutes(router: XnatRouter): void {
  // XNAT ≥ 1.7 has no /data/version; pyxnat and xnatpy fall back to buildInfo on a plain-text 404.
  router.special(['version'], async (ctx) => sendText(ctx, 404, 'The server has not found anything matching the request URI'));

  router.special(['search', 'elements'], async (ctx, rest) => {
    const elements = [
      { name: 'xnat:projectData', singular: 'Project', plural: 'Projects', fields: PROJECT_FIELDS },
      { name: 'xnat:subjectData', singular: 'Subject', plural: 'Subjects', fields: SUBJECT_FIELDS },
      ...XSI_TYPES.map((t) => ({
        name: t.xsiType, singular: t.description, plural: `${t.description}s`,
        fields: t.kind === 'scan' ? fieldsFor(SCAN_FIELDS, typeChain(t.xsiType)) : fieldsFor(EXPERIMENT_FIELDS, typeChain(t.xsiType)),
      })),
    ];
    const [element] = rest;
    if (element === undefined) {
      return sendTable(ctx, {
        // XNAT also reports a COUNT per type; clients do not read it, so it is left out rather than guessed.
        columns: ['ELEMENT_NAME', 'SINGULAR', 'PLURAL', 'SECURED'],
        rows: elements.map((e) => ({ ELEMENT_NAME: e.name, SINGULAR: e.singular, PLURAL: e.plural, SECURED: 'true' })),
        totalRecords: true,
      });
    }
    const found = elements.find((e) => e.name.toLowerCase() === element.toLowerCase()) ?? (findXsiType(element) && elements.find((e) => e.name === findXsiType(element)?.xsiType));
    if (!found) return sendText(ctx, 404, `Unknown data type ${element}`);
    const prefix = found.name.split(':')[1]?.toUpperCase() ?? '';
    await sendTable(ctx, {
      columns: ['FIELD_ID', 'HEADER', 'SUMMARY', 'TYPE', 'REQUIRES_VALUE', 'DESC', 'ELEMENT_NAME', 'SRC'],
      rows: found.fields.map((f) => ({ FIELD_ID: f.key.toUpperCase(), HEADER: f.key, SUMMARY: f.key, TYPE: f.type, REQUIRES_VALUE: 'false', DESC: f.key, ELEMENT_NAME: found.name, SRC: `${prefix}` })),
      totalRecords: true,
    });
  });

  router.special(['search'], async () => {
    throw notImplemented('Stored searches (POST /data/search) are not supported by this server yet; use the listing filters instead');
  });
}
