export interface ScannedDevice {
  name: string;
  type: string;
  protocol: string;
}

function asObject(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function parseJson(text: string, what: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${what}: not JSON (${(err as Error).message})`);
  }
  const o = asObject(doc);
  if (!o) throw new Error(`${what}: expected a JSON object`);
  return o;
}

/** `smartctl --scan-open --json`: the devices smartctl can open, with the -d type to use. */
export function parseScan(text: string): ScannedDevice[] {
  const doc = parseJson(text, 'smartctl --scan-open --json');
  const devices = Array.isArray(doc.devices) ? doc.devices : [];
  const out: ScannedDevice[] = [];
  for (const d of devices) {
    const o = asObject(d);
    if (!o || typeof o.name !== 'string' || !o.name.startsWith('/dev/')) continue;
    out.push({ name: o.name, type: typeof o.type === 'string' ? o.type : '', protocol: typeof o.protocol === 'string' ? o.protocol : '' });
  }
  return out;
}

export interface SmartHealth {
  model: string;
  serial: string;
  firmware: string;
  protocol: string;
  capacity_bytes: number | null;
  /** passed / failed / unknown (SMART not available or the device could not be opened). */
  health: string;
  exit_status: number | null;
  temperature_celsius: number | null;
  power_on_hours: number | null;
  reallocated_sectors: number | null;
  pending_sectors: number | null;
  offline_uncorrectable: number | null;
  media_errors: number | null;
  percentage_used: number | null;
  critical_warning: number | null;
  /** The first error message smartctl printed ("Unable to detect device type"…), empty when none. */
  message: string;
}

/** An ATA attribute's raw value by id (5 reallocated, 197 pending, 198 offline uncorrectable). */
function ataRaw(doc: Record<string, unknown>, id: number): number | null {
  const table = asObject(doc.ata_smart_attributes)?.table;
  if (!Array.isArray(table)) return null;
  for (const a of table) {
    const o = asObject(a);
    if (o?.id === id) return num(asObject(o.raw)?.value);
  }
  return null;
}

/** `smartctl -H -i -A --json <dev>`. smartctl's exit status is a bit mask, so the JSON is read whatever it is. */
export function parseHealth(text: string, device: string): SmartHealth {
  const doc = parseJson(text, `smartctl --json ${device}`);
  const meta = asObject(doc.smartctl);
  const messages = Array.isArray(meta?.messages) ? meta.messages : [];
  const firstError = messages.map(asObject).find((m) => m && m.severity === 'error');
  const status = asObject(doc.smart_status);
  const nvme = asObject(doc.nvme_smart_health_information_log);
  const passed = status?.passed;
  return {
    model: typeof doc.model_name === 'string' ? doc.model_name : '',
    serial: typeof doc.serial_number === 'string' ? doc.serial_number : '',
    firmware: typeof doc.firmware_version === 'string' ? doc.firmware_version : '',
    protocol: typeof asObject(doc.device)?.protocol === 'string' ? (asObject(doc.device)!.protocol as string) : '',
    capacity_bytes: num(asObject(doc.user_capacity)?.bytes) ?? num(doc.nvme_total_capacity),
    health: passed === true ? 'passed' : passed === false ? 'failed' : 'unknown',
    exit_status: num(meta?.exit_status),
    temperature_celsius: num(asObject(doc.temperature)?.current) ?? num(nvme?.temperature),
    power_on_hours: num(asObject(doc.power_on_time)?.hours) ?? num(nvme?.power_on_hours),
    reallocated_sectors: ataRaw(doc, 5),
    pending_sectors: ataRaw(doc, 197),
    offline_uncorrectable: ataRaw(doc, 198),
    media_errors: num(nvme?.media_errors),
    percentage_used: num(nvme?.percentage_used),
    critical_warning: num(nvme?.critical_warning),
    message: typeof firstError?.string === 'string' ? firstError.string : '',
  };
}
