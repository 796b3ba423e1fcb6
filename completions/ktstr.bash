# bash completion for ktstr(1).  Install as
# /usr/share/bash-completion/completions/ktstr or: source <(ktstr completions bash)

_ktstr_work_types="CpuSpin YieldHeavy Mixed IoSync Bursty PipeIo FutexPingPong CachePressure
CacheYield CachePipe FutexFanOut ForkExit NiceSweep AffinityChurn PolicyChurn FanOutCompute
PageFaultChurn MutexContention"
_ktstr_flag_names="llc borrow steal rebal reject-pin no-ctrl"

_ktstr_options() {
	case "$1" in
	run) echo "--duration --workers --flags --filter --scenario --scenario-file --work-type --settle --no-perf-mode
		--text --json --tap --ndjson --junit --spread-limit --gap-limit-ms --wake-p99-limit-us --wake-cv-limit
		--throughput-cv-limit --min-iteration-rate --no-isolation --repro --probe-stack --auto-repro --kernel-dir --help" ;;
	list) echo "--filter --json --help" ;;
	topo) echo "--json --text --topology --help" ;;
	cleanup) echo "--parent-cgroup --help" ;;
	kernel) echo "list build clean resolve add --help" ;;
	shell) echo "--kernel --topology -i --include-files --memory-mb --dmesg --exec
		--no-perf-mode --cpu-cap --timeout --backend --append --dry-run -v --verbose
		--help" ;;
	host-state) echo "capture compare --help" ;;
	locks) echo "--json --watch --help" ;;
	completions) echo "bash zsh fish elvish powershell" ;;
	help) echo "run list topo cleanup kernel shell host-state locks completions help" ;;
	esac
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
		--kernel | --kernel-dir | --parent-cgroup)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	--backend)
		mapfile -t COMPREPLY < <(compgen -W "auto qemu native" -- "$cur")
		return ;;
	--duration | --workers | --filter | --scenario | --settle | --spread-limit | --gap-limit-ms | \
		--wake-p99-limit-us | --wake-cv-limit | --throughput-cv-limit | --min-iteration-rate | \
		--topology | --memory-mb | --exec | --cpu-cap | --watch | --timeout | --append)
		return ;;
	esac
	if [ "$cmd" = host-state ] && [ "$COMP_CWORD" -ge 3 ]; then
		case "${COMP_WORDS[2]}" in
		capture) mapfile -t COMPREPLY < <(compgen -W "-o --output --help" -- "$cur") ;;
		compare) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
		esac
		return
	fi
	# shellcheck disable=SC2046
	mapfile -t COMPREPLY < <(compgen -W "$(_ktstr_options "$cmd")" -- "$cur")
}

complete -F _ktstr ktstr
