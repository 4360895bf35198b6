/**
 * The /proc and /sys paths every container gets masked or read-only (Docker 20.10's defaults,
 * moby oci/defaults.go). One list: the runtime writes it into the OCI spec and the API shows it
 * in inspect's HostConfig, so the two cannot drift apart.
 */

export const MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
];

export const READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
