#compdef ktstr
# zsh completion for ktstr(1).  Install as _ktstr in $fpath, or:
#   source <(ktstr completions zsh)

_ktstr_work_types=(CpuSpin YieldHeavy Mixed IoSync Bursty PipeIo FutexPingPong CachePressure
	CacheYield CachePipe FutexFanOut ForkExit NiceSweep AffinityChurn PolicyChurn FanOutCompute
	PageFaultChurn MutexContention)
_ktstr_flag_names=(llc borrow steal rebal reject-pin no-ctrl)
_ktstr_hst_metrics=(run_time_ns wait_time_ns timeslices utime_ns stime_ns voluntary_csw nonvoluntary_csw
	nr_migrations wait_sum_ns wait_count sleep_sum_ns block_sum_ns iowait_sum_ns iowait_count
	nr_wakeups nr_wakeups_sync nr_wakeups_migrate nr_wakeups_local nr_wakeups_remote
	nr_wakeups_affine nr_wakeups_affine_attempts nr_wakeups_passive nr_wakeups_idle
	nr_migrations_cold nr_failed_migrations_affine nr_failed_migrations_running
	nr_failed_migrations_hot nr_forced_migrations minflt majflt rchar wchar syscr syscw
	read_bytes write_bytes cancelled_write_bytes threads policy nice cpus_allowed cgroup
	cpu_usage_ns cpu_user_ns cpu_system_ns nr_periods nr_throttled throttled_ns
	memory_current_bytes cgroups)

_ktstr() {
	local -a cmds
	cmds=(
		'run:run scenarios under the active scheduler and judge them'
		'list:list scenarios with their categories and flag profiles'
		'topo:show the host CPU topology'
		'cleanup:remove cgroups left behind by killed runs'
		'kernel:manage cached test kernels'
		'shell:boot a VM with a chosen CPU topology'
		'host-state:capture and compare per-thread host snapshots'
		'locks:list ktstr CPU and cache reservations'
		'completions:print a shell completion script'
		'help:show help for a subcommand'
	)
	if (( CURRENT == 2 )); then
		_describe -t commands 'ktstr command' cmds
		_arguments '--help[show help]' '--version[show version]'
		return
	fi
	local cmd=$words[2]
	shift words
	(( CURRENT-- ))
	case $cmd in
	run)
		_arguments \
			'--duration[seconds each scenario runs]:seconds' \
			'--workers[workers per cgroup]:count' \
			'--flags[flag profile]:flags:_values -s , flag $_ktstr_flag_names' \
			'--filter[scenarios whose name contains]:substring' \
			'--category[scenarios of a category]:category:(basic cpuset stress affinity sched_class advanced stall dynamic nested interaction performance)' \
			'--scenario[exactly this scenario]:name' \
			'*--scenario-file[add scenarios from a file]:file:_files' \
			'--work-type[replace CpuSpin work]:type:($_ktstr_work_types)' \
			'--settle[time before measuring]:duration' \
			'--no-perf-mode[share LLCs with other runs]' \
			'--cpu-cap[run on exactly N CPUs]:N' \
			'--lock-timeout[wait for busy CPUs]:duration' \
			'--kernel[run in a VM with this kernel]:kernel:_files' \
			'--topology[VM topology N,L,C,T]:spec' \
			'--timeout[longest silence of the VM]:duration' \
			'--scheduler[sched_ext scheduler]:scheduler:_files' \
			'*--scheduler-arg[scheduler argument]:arg' \
			'--attach-timeout[time the scheduler may take to attach]:duration' \
			'--stream[records, not verdicts]' \
			'--text[results for people]' \
			'--json[results as a JSON array]' \
			'--tap[results as TAP]' \
			'--ndjson[every record plus verdicts]' \
			'--junit[JUnit XML report]:file:_files' \
			'--spread-limit[off-CPU spread limit]:percent' \
			'--gap-limit-ms[stall limit]:ms' \
			'--wake-p99-limit-us[p99 wake latency limit]:us' \
			'--wake-cv-limit[wake latency variation limit]:cv' \
			'--throughput-cv-limit[throughput variation limit]:cv' \
			'--min-iteration-rate[minimum iterations per second]:rate' \
			'--no-isolation[do not check cpusets]' \
			'--repro[attach crash probes]' \
			'--probe-stack[crash stack file or functions]:file:_files' \
			'--auto-repro[rerun a crashing scenario with probes]' \
			'--kernel-dir[kernel build tree]:dir:_files -/' \
			'--help[show help]' ;;
	list)
		_arguments '--filter[name substring]:substring' '--json[JSON output]' \
			'*--scenario-file[add scenarios from a file]:file:_files' '--help[show help]' ;;
	topo)
		_arguments '--json[the topo record]' '--text[a summary for people]' \
			'--topology[synthetic N,L,C,T]:spec' \
			'--help[show help]' ;;
	cleanup)
		_arguments '--parent-cgroup[clean one cgroup]:path:_files -/' '--help[show help]' ;;
	kernel)
		if (( CURRENT == 2 )); then
			_values 'kernel command' list build clean resolve add
			return
		fi
		local sub=$words[2]
		shift words
		(( CURRENT-- ))
		case $sub in
		list)
			_arguments '--json[one JSON object]' '--help[show help]' ;;
		build)
			_arguments '(-f --force)'{-f,--force}'[build even when cached]' \
				'(-j --jobs)'{-j,--jobs}'[make jobs]:N' \
				'--source[kernel source tree]:dir:_files -/' '--help[show help]' \
				'1::version (6.12 or 6.12.8)' ;;
		clean)
			_arguments '--keep[keep the N newest]:N' '(-f --force)'{-f,--force}'[do not ask]' \
				'--help[show help]' ;;
		resolve)
			_arguments '1:image, source dir, cache key or version:_files' ;;
		add)
			_arguments '--vmlinux[vmlinux with symbols]:file:_files' \
				'--config[the kernel config]:file:_files' '--name[cache key]:name' \
				'(-f --force)'{-f,--force}'[replace an entry of that name]' \
				'--help[show help]' '1:image:_files' ;;
		esac ;;
	shell)
		_arguments \
			'--kernel[kernel image, source dir, version or cache key]:kernel:_files' \
			'--topology[N,L,C,T]:spec' \
			'*'{-i,--include-files}'[file or directory to include]:file:_files' \
			'--memory-mb[guest memory]:MB' \
			'--dmesg[kernel console to stderr]' \
			'--exec[run a command instead of a shell]:command' \
			'--idle-timeout[longest silence of the command]:duration' \
			'--no-perf-mode[no CPU reservation]' \
			'--cpu-cap[reserve N host CPUs]:N' \
			'--lock-timeout[wait for busy host CPUs]:duration' \
			'--timeout[kill the VM after]:duration' \
			'--backend[VM backend]:backend:(auto qemu native)' \
			'*--append[kernel parameters]:params' \
			'--dry-run[print, boot nothing]' \
			'(-v --verbose)'{-v,--verbose}'[boot timing on stderr]' \
			'--help[show help]' ;;
	host-state)
		if (( CURRENT == 2 )); then
			_values subcommand capture compare
			return
		fi
		local sub=$words[2]
		shift words
		(( CURRENT-- ))
		if [[ $sub == capture ]]; then
			_arguments '(-o --output)'{-o,--output}'[snapshot file to write]:file:_files' \
				'--help[show help]'
		else
			_arguments \
				'--group-by[group threads by]:key:(pcomm,comm pcomm comm cgroup)' \
				'*--cgroup-flatten[merge cgroups whose leading path matches]:glob' \
				'*--metric[only this metric]:metric:($_ktstr_hst_metrics)' \
				'--top[at most N rows per metric]:N' \
				'--min-delta[smallest change listed, or N%]:X' \
				'--all[list unchanged rows too]' \
				'--json[one JSON object]' \
				'--fail-on-change[exit 1 if a listed row changed]' \
				'--help[show help]' \
				'*:snapshot:_files'
		fi ;;
	locks)
		_arguments '--json[JSON output]' '--watch[redraw interval]:duration' '--help[show help]' ;;
	completions)
		_arguments '1:shell:(bash zsh fish elvish powershell)' ;;
	help)
		_describe -t commands 'ktstr command' cmds ;;
	esac
}

if [ "$funcstack[1]" = "_ktstr" ]; then
	_ktstr "$@"
else
	compdef _ktstr ktstr
fi
