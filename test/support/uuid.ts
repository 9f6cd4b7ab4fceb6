/**
 * Event ids for test events. EventBridge and CloudTrail give every event a UUID, and the intake
 * drops any other form (docs/intake.md), so tests name their events by a readable label and send
 * the UUID made from it: the same label, the same id (a redelivery), another label, another id.
 */
import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A version-4-shaped UUID made from `label` (a UUID is returned as it is). */
export function eventUuid(label: string): string {
  if (UUID.test(label)) return label;
  const hex = createHash('sha256').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
