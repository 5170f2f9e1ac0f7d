# The health probe: one POSIX shell script, run in one round trip, that
# reads what a host can tell about itself with nothing installed beyond a
# shell, coreutils and procfs, and uses systemd, ip, nvidia-smi, rocm-smi
# and sysfs when they are there. Each part starts with a line
# "@@macroa:<part>"; a part that cannot be read says why on a line
# "@@macroa:<part>:missing <why>". Every part is bounded, so the whole
# answer stays small whatever the host holds.
LC_ALL=C
export LC_ALL
part() { printf '@@macroa:%s\n' "$1"; }
missing() { printf '@@macroa:%s:missing %s\n' "$1" "$2"; }
has() { command -v "$1" >/dev/null 2>&1; }

part clock
date +%s.%N 2>/dev/null || date +%s
part kernel
uname -sr 2>/dev/null | head -c 200
echo
if [ -r /proc/uptime ]; then part uptime; head -c 100 /proc/uptime; else missing uptime "no /proc/uptime"; fi
if [ -r /proc/loadavg ]; then part load; head -c 100 /proc/loadavg; else missing load "no /proc/loadavg"; fi
if [ -r /proc/stat ]; then part cpu; head -n 1 /proc/stat; else missing cpu "no /proc/stat"; fi
part cores
getconf _NPROCESSORS_ONLN 2>/dev/null || grep -c '^processor' /proc/cpuinfo 2>/dev/null
if [ -r /proc/meminfo ]; then
	part memory
	grep -E '^(MemTotal|MemAvailable|MemFree|Buffers|Cached|SwapTotal|SwapFree):' /proc/meminfo
else
	missing memory "no /proc/meminfo"
fi
part disks
df -P -k 2>/dev/null | head -n 60
part inodes
df -P -i 2>/dev/null | head -n 60
if has systemctl && [ -d /run/systemd/system ]; then
	part failed
	systemctl list-units --failed --plain --no-legend --no-pager 2>/dev/null | head -n 50
elif has systemctl; then
	missing failed "systemd is not running"
else
	missing failed "no systemctl"
fi
if has ps; then
	part procs
	ps -eo pid=,pcpu=,pmem=,rss=,comm= 2>/dev/null | sort -k2 -nr | head -n 10
else
	missing procs "no ps"
fi
if has ip; then
	part addrs
	ip -o addr show 2>/dev/null | head -n 80
elif [ -r /proc/net/dev ]; then
	part ifaces
	tail -n +3 /proc/net/dev | head -n 40
else
	missing addrs "no ip and no /proc/net/dev"
fi
part reboot
if [ -f /var/run/reboot-required ] || [ -f /run/reboot-required ]; then echo yes; else echo no; fi
if has nvidia-smi; then
	part nvidia
	nvidia-smi --query-gpu=index,name,temperature.gpu,utilization.gpu,memory.used,memory.total,power.draw \
		--format=csv,noheader,nounits 2>/dev/null | head -n 16
fi
if has rocm-smi; then
	part rocm
	rocm-smi --showtemp --showuse --showmeminfo vram --showpower --csv 2>/dev/null | head -n 40
fi
part sysfs-gpu
for d in /sys/class/drm/card[0-9]/device /sys/class/drm/card[0-9][0-9]/device; do
	[ -r "$d/gpu_busy_percent" ] || continue
	t=""
	for h in "$d"/hwmon/hwmon*; do
		[ -r "$h/temp1_input" ] && t=$(cat "$h/temp1_input" 2>/dev/null)
		[ -r "$h/power1_average" ] && p=$(cat "$h/power1_average" 2>/dev/null)
	done
	printf '%s %s %s %s %s %s\n' "${d%/device}" "$(cat "$d/gpu_busy_percent" 2>/dev/null)" "${t:--}" \
		"$(cat "$d/mem_info_vram_used" 2>/dev/null || echo -)" "$(cat "$d/mem_info_vram_total" 2>/dev/null || echo -)" "${p:--}"
done | head -n 16
part end
