// Which devices the settings panel offers: those the host reports as available, the one set now
// (even where it is not available, so the choice shows as it is), and a note saying why the others
// are missing (the host's own reason for each).
import type { DeviceInfo } from '../../../main/runtime/index.ts';
import { DEVICE_NAMES, type DeviceName } from '../../../nodes/api.ts';

export interface DeviceOption {
  name: DeviceName;
  label: string;
  /** The host's description (the tooltip). */
  title: string;
}

export interface DeviceChoice {
  options: DeviceOption[];
  /** "cuda: unavailable: …" for each device left out; empty when every device is there. */
  missing: string[];
}

export interface DeviceReportLike {
  devices: readonly DeviceInfo[];
  auto: string;
}

/** With no report yet (or none to be had) every name is offered, as nothing says otherwise. */
export function deviceChoice(report: DeviceReportLike | null, current: DeviceName): DeviceChoice {
  const known = new Map(report?.devices.map((d) => [d.name, d]));
  const options: DeviceOption[] = [];
  const missing: string[] = [];
  for (const name of DEVICE_NAMES) {
    const info = known.get(name);
    const available = !report || name === 'auto' || info?.available === true;
    const reason = info?.detail ?? 'not reported by this host';
    if (!available) missing.push(`${name}: ${reason}`);
    if (!available && name !== current) continue;
    let label: string = name;
    if (name === 'auto' && report) label = `auto (${report.auto} here)`;
    else if (!available) label = `${name} (not available here)`;
    options.push({ name, label, title: info?.detail ?? '' });
  }
  return { options, missing };
}
