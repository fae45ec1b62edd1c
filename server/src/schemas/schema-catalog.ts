import { xdatSchema } from './xdat-schema.js';
import { xnatSchema } from './xnat-schema.js';
import { renderXsd, type XsdSchema } from './xsd.js';

/**
 * The XSD files this server publishes under `/xapi/schemas`, by XNAT's naming: `xnat` stands for
 * `schemas/xnat/xnat.xsd`, `xdat` for `schemas/xdat/xdat.xsd`, and `{namespace}/{name}` for a file
 * in another folder. Generated once from the type definitions; they only change with the code.
 */
const BUILDERS: Readonly<Record<string, () => XsdSchema>> = { xnat: xnatSchema, xdat: xdatSchema };

const rendered = new Map<string, string>();

/** Names in the order clients should read them: a schema's types before the schemas extending them. */
export function schemaNames(): string[] {
  return Object.keys(BUILDERS);
}

/** The XSD text of a schema, by `name` or `namespace/name` (`xdat/xdat` is `xdat`); undefined if unknown. */
export function schemaText(name: string): string | undefined {
  const [folder, file] = name.split('/');
  const key = file === undefined || file === folder ? folder : undefined;
  const build = key !== undefined && Object.hasOwn(BUILDERS, key) ? BUILDERS[key] : undefined;
  if (!build || key === undefined) return undefined;
  let text = rendered.get(key);
  if (text === undefined) {
    text = renderXsd(build());
    rendered.set(key, text);
  }
  return text;
}
