/**
 * The stable marker that ties a GLPI item to a host of the monitoring platform. It is kept in the
 * item's comment, where people can see where the record comes from, and found with a LIKE search.
 */
export function inventoryMarker(source: string, id: string): string {
  return `[glpi-bridge:${source}:${id}]`;
}

/** The prefix shared by every marker of one source. */
export function sourceMarkerPrefix(source: string): string {
  return `[glpi-bridge:${source}:`;
}

/** Host ids found in a comment for a source. */
export function markedIds(comment: string, source: string): string[] {
  const prefix = sourceMarkerPrefix(source);
  const ids: string[] = [];
  for (let at = comment.indexOf(prefix); at >= 0; at = comment.indexOf(prefix, at + 1)) {
    const end = comment.indexOf(']', at + prefix.length);
    if (end > at) ids.push(comment.slice(at + prefix.length, end));
  }
  return ids;
}
