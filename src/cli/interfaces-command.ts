/** `tls-inspect interfaces`: the capture devices, numbered like `tshark -D`. */
import { formatInterfaces, listInterfaces } from '../capture/index.js';

export async function runInterfacesCommand(): Promise<number> {
  const list = listInterfaces();
  process.stdout.write(list.length > 0 ? `${formatInterfaces(list)}\n` : 'no capture interfaces found (libpcap lists none; are you root?)\n');
  return 0;
}
