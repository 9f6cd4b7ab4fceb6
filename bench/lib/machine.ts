/**
 * The machine a run is measured on, for the report's header.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

/** CPU model, cores, memory, Node version and OS of this machine. */
export function describeMachine(): {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
} {
  let cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  try {
    // Virtual machines often report a generic model to Node; /proc/cpuinfo may say more.
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim();
    const mhz = /^cpu MHz\s*:\s*([\d.]+)$/m.exec(info)?.[1];
    if (model) cpu = model;
    if (mhz) cpu += ` @ ${(Number(mhz) / 1000).toFixed(2)} GHz`;
  } catch {
    // not Linux
  }
  let os = `${process.platform} ${process.arch}`;
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(release)?.[1];
    if (pretty) os = `${pretty} (${process.arch})`;
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: availableParallelism(),
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os,
  };
}
