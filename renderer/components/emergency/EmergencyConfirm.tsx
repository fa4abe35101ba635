export function EmergencyConfirm() {
  return null;
}
