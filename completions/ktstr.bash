# bash completion for ktstr(1).  Install as
# /usr/share/bash-completion/completions/ktstr or: source <(ktstr completions bash)

_ktstr_work_types="CpuSpin YieldHeavy Mixed IoSync Bursty PipeIo FutexPingPong CachePressure
CacheYield CachePipe FutexFanOut ForkExit NiceSweep AffinityChurn PolicyChurn FanOutCompute
PageFaultChurn MutexContention"
_ktstr_flag_names="llc borrow steal rebal reject-pin no-ctrl"
# ktstr-hst compare --metric names, in ktstr-hst(1)'s order
_ktstr_hst_metrics="run_time_ns wait_time_ns timeslices utime_ns stime_ns voluntary_csw nonvoluntary_csw
nr_migrations wait_sum_ns wait_count sleep_sum_ns block_sum_ns iowait_sum_ns iowait_count
nr_wakeups nr_wakeups_sync nr_wakeups_migrate nr_wakeups_local nr_wakeups_remote
nr_wakeups_affine nr_wakeups_affine_attempts nr_wakeups_passive nr_wakeups_idle
nr_migrations_cold nr_failed_migrations_affine nr_failed_migrations_running
nr_failed_migrations_hot nr_forced_migrations minflt majflt rchar wchar syscr syscw
read_bytes write_bytes cancelled_write_bytes threads policy nice cpus_allowed cgroup
cpu_usage_ns cpu_user_ns cpu_system_ns nr_periods nr_throttled throttled_ns
memory_current_bytes cgroups"

_ktstr_options() {
	case "$1" in
	run) echo "--duration --workers --flags --filter --category --scenario --scenario-file --work-type --settle --no-perf-mode --cpu-cap --lock-timeout
		--kernel --topology --timeout --scheduler --scheduler-arg --attach-timeout --stream
		--text --json --tap --ndjson --junit --spread-limit --gap-limit-ms --wake-p99-limit-us --wake-cv-limit
		--throughput-cv-limit --min-iteration-rate --no-isolation --repro --probe-stack --auto-repro --kernel-dir --help" ;;
	list) echo "--filter --json --scenario-file --help" ;;
	topo) echo "--json --text --topology --help" ;;
	cleanup) echo "--parent-cgroup --help" ;;
	kernel) echo "list build clean resolve add --json --force --jobs --source --keep --vmlinux
		--config --name --help" ;;
	shell) echo "--kernel --topology -i --include-files --memory-mb --dmesg --exec --idle-timeout
		--no-perf-mode --cpu-cap --lock-timeout --timeout --backend --append --dry-run -v --verbose
		--help" ;;
	host-state) echo "capture compare --output --group-by --cgroup-flatten --metric --top
		--min-delta --all --json --fail-on-change --help" ;;
	locks) echo "--json --watch --help" ;;
	completions) echo "bash zsh fish elvish powershell" ;;
	help) echo "run list topo cleanup kernel shell host-state locks completions help" ;;
	esac
}

# ktstr host-state capture|compare: flags, their values, snapshot files
_ktstr_host_state() {
	local sub=$1 prev=$2 cur=$3 words
	case "$sub:$prev" in
	compare:--group-by | compare:-g) words="pcomm,comm pcomm comm cgroup" ;;
	compare:--metric | compare:-m) words=$_ktstr_hst_metrics ;;
	compare:--cgroup-flatten | compare:-f | compare:--top | compare:-n | compare:--min-delta | \
		compare:-d) return ;;
	capture:*) words="-o --output --help" ;;
	compare:*)
		case "$cur" in
		-*) words="--group-by --cgroup-flatten --metric --top --min-delta --all --json --fail-on-change --help" ;;
		*) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
		esac ;;
	*) return ;;
	esac
	# shellcheck disable=SC2086
	mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}

_ktstr() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmds="run list topo cleanup kernel shell host-state locks completions help"
	local cmd=${COMP_WORDS[1]} prefix

	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W "$cmds --help --version" -- "$cur")
		return
	fi
	case "$prev" in
	--work-type)
		mapfile -t COMPREPLY < <(compgen -W "$_ktstr_work_types" -- "$cur")
		return ;;
	--flags)
		# a comma-separated list: complete the last element
		prefix=""
		case "$cur" in *,*) prefix=${cur%,*}, ;; esac
		mapfile -t COMPREPLY < <(compgen -P "$prefix" -W "$_ktstr_flag_names" -- "${cur##*,}")
		return ;;
	--junit | --scenario-file | --probe-stack | -o | --output | -i | --include-files | \
		--kernel | --kernel-dir | --parent-cgroup | --scheduler)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	--backend)
		mapfile -t COMPREPLY < <(compgen -W "auto qemu native" -- "$cur")
		return ;;
	--category)
		mapfile -t COMPREPLY < <(compgen -W "basic cpuset stress affinity sched_class advanced stall
			dynamic nested interaction performance" -- "$cur")
		return ;;
	--duration | --workers | --filter | --scenario | --settle | --spread-limit | --gap-limit-ms | \
		--wake-p99-limit-us | --wake-cv-limit | --throughput-cv-limit | --min-iteration-rate | \
		--topology | --memory-mb | --exec | --cpu-cap | --lock-timeout | --watch | --keep | --jobs | -j | --name | \
		--timeout | --append | --idle-timeout | --attach-timeout | --scheduler-arg)
		return ;;
	--source)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return ;;
	--vmlinux | --config)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	esac
	if [ "$cmd" = kernel ] && [ "$COMP_CWORD" -ge 3 ]; then
		case "${COMP_WORDS[2]}" in
		list) mapfile -t COMPREPLY < <(compgen -W "--json --help" -- "$cur") ;;
		build) mapfile -t COMPREPLY < <(compgen -W "--force --jobs --source --help" -- "$cur") ;;
		clean) mapfile -t COMPREPLY < <(compgen -W "--keep --force --help" -- "$cur") ;;
		resolve) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
		add)
			case "$cur" in
			-*) mapfile -t COMPREPLY < <(compgen -W "--vmlinux --config --name --force --help" -- "$cur") ;;
			*) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
			esac ;;
		esac
		return
	fi
	if [ "$cmd" = host-state ] && [ "$COMP_CWORD" -ge 3 ]; then
		_ktstr_host_state "${COMP_WORDS[2]}" "$prev" "$cur"
		return
	fi
	# shellcheck disable=SC2046
	mapfile -t COMPREPLY < <(compgen -W "$(_ktstr_options "$cmd")" -- "$cur")
}

complete -F _ktstr ktstr
