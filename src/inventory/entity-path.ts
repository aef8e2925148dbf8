/**
 * An entity path below the bridge's sub-entity, as an inventory names it (`Client A > Paris`): the entity
 * of a host for service providers that keep one entity per customer or site. The empty path is the
 * sub-entity itself.
 */
export const ENTITY_SEPARATOR = ' > ';

/** The segments of a path, trimmed; `undefined` or '' is the sub-entity itself. */
export function entitySegments(path: string | undefined): string[] {
  if (path === undefined || path.trim() === '') return [];
  return path.split('>').map((segment) => segment.trim());
}

/** The one spelling of a path: trimmed segments joined by ` > `. */
export function normaliseEntityPath(path: string | undefined): string {
  return entitySegments(path).join(ENTITY_SEPARATOR);
}

/** Why a path cannot name an entity, or undefined when it can. */
export function entityPathProblem(path: string): string | undefined {
  const segments = entitySegments(path);
  if (segments.some((s) => s === ''))
    return `'${path}' has an empty level: write levels as 'Client A > Paris'`;
  if (segments.some((s) => s.length > 255)) return 'each level must be at most 255 characters';
  if (segments.length > 10) return 'at most 10 levels below the sub-entity';
  return undefined;
}

/** Every path and each of its parents, parents first (what must exist for the paths to exist). */
export function withParents(paths: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const path of paths) {
    const segments = entitySegments(path);
    for (let i = 1; i <= segments.length; i++) all.add(segments.slice(0, i).join(ENTITY_SEPARATOR));
  }
  return [...all].sort((a, b) => entitySegments(a).length - entitySegments(b).length || a.localeCompare(b));
}
