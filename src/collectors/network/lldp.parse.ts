/** `lldpctl -f json` output of lldpd (pure). */

export interface LldpNeighbor {
  interface: string;
  via: string;
  chassis_name: string;
  chassis_id: string;
  chassis_id_type: string;
  system_descr: string;
  mgmt_ip: string;
  port_id: string;
  port_id_type: string;
  port_descr: string;
  vlan_id: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
/** lldpd prints one item as an object and several as an array. */
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** A {type, value} id, or a plain string. */
function id(v: unknown): { type: string; value: string } {
  if (isObj(v)) return { type: str(v.type), value: str(v.value) };
  return { type: '', value: str(v) };
}

export function parseLldpctlJson(json: string): LldpNeighbor[] {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new Error(`lldpctl -f json: not JSON (${(err as Error).message})`);
  }
  const lldp = isObj(doc) ? doc.lldp : undefined;
  if (!isObj(lldp) && !Array.isArray(lldp)) throw new Error('lldpctl -f json: no "lldp" object');
  const out: LldpNeighbor[] = [];
  // Older lldpd wrap "lldp" in an array as well.
  for (const l of list(lldp)) {
    if (!isObj(l)) continue;
    for (const group of list(l.interface)) {
      if (!isObj(group)) continue;
      for (const [ifname, n] of Object.entries(group)) {
        if (!isObj(n)) continue;
        let chassisName = '';
        let chassis: Obj = {};
        if (isObj(n.chassis)) {
          // Keyed by the system name when the neighbour sends one, else the fields directly.
          const entries = Object.entries(n.chassis);
          if (entries.length === 1 && isObj(entries[0]![1]) && !('id' in n.chassis)) {
            chassisName = entries[0]![0];
            chassis = entries[0]![1] as Obj;
          } else chassis = n.chassis;
        }
        const cid = id(chassis.id);
        const port = isObj(n.port) ? n.port : {};
        const pid = id(port.id);
        const vlan = list(n.vlan)[0];
        out.push({
          interface: ifname,
          via: str(n.via),
          chassis_name: chassisName || str(chassis.name),
          chassis_id: cid.value,
          chassis_id_type: cid.type,
          system_descr: str(chassis.descr).slice(0, 200),
          mgmt_ip: list(chassis['mgmt-ip']).map(str).join(','),
          port_id: pid.value,
          port_id_type: pid.type,
          port_descr: str(port.descr),
          vlan_id: isObj(vlan) ? str(vlan['vlan-id']) : '',
        });
      }
    }
  }
  return out;
}
