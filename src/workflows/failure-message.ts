/**
 * The real cause of a failure, for people: the innermost message of a chain such as workflow failed →
 * child workflow failed → activity failed → "GLPI POST /Contract_Item failed: …", not "Activity task failed".
 */
export function failureMessage(err: unknown): string {
  let deepest: unknown = err;
  while (deepest instanceof Error && deepest.cause instanceof Error) deepest = deepest.cause;
  return deepest instanceof Error ? deepest.message : String(deepest);
}
