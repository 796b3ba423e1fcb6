# fish completion for ktstr(1).  Install as
# ~/.config/fish/completions/ktstr.fish, or: ktstr completions fish | source

set -l ktstr_cmds run list topo cleanup kernel shell host-state locks completions help
set -l ktstr_work_types CpuSpin YieldHeavy Mixed IoSync Bursty PipeIo FutexPingPong \
	CachePressure CacheYield CachePipe FutexFanOut ForkExit NiceSweep AffinityChurn \
	PolicyChurn FanOutCompute PageFaultChurn MutexContention
set -l ktstr_flag_names llc borrow steal rebal reject-pin no-ctrl

complete -c ktstr -f
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -l help -d 'show help'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -l version -d 'show version'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a run -d 'run scenarios and judge them'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a list -d 'list scenarios'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a topo -d 'show the host CPU topology'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a cleanup -d 'remove leftover cgroups'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a kernel -d 'manage cached test kernels'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a shell -d 'boot a VM'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a host-state -d 'host snapshots'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a locks -d 'list reservations'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a completions -d 'shell completion script'
complete -c ktstr -n "not __fish_seen_subcommand_from $ktstr_cmds" -a help -d 'help for a subcommand'

# run
complete -c ktstr -n "__fish_seen_subcommand_from run" -l duration -x -d 'seconds per scenario'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l workers -x -d 'workers per cgroup'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l flags -x -a "$ktstr_flag_names" -d 'flag profile'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l filter -x -d 'name substring'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l category -x -a 'basic cpuset stress affinity sched_class advanced stall dynamic nested interaction performance' -d 'scenarios of a category'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l scenario -x -d 'exactly this scenario'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l scenario-file -r -F -d 'scenario file'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l work-type -x -a "$ktstr_work_types" -d 'override CpuSpin'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l settle -x -d 'time before measuring'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l no-perf-mode -d 'share LLCs with other runs'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l cpu-cap -x -d 'run on exactly N CPUs'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l lock-timeout -x -d 'wait for busy CPUs'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l kernel -r -F -d 'run in a VM with this kernel'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l topology -x -d 'VM topology N,L,C,T'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l timeout -x -d 'longest silence of the VM'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l scheduler -r -F -d 'sched_ext scheduler'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l scheduler-arg -x -d 'scheduler argument'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l attach-timeout -x -d 'time to attach'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l stream -d 'records, not verdicts'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l text -d 'results for people'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l json -d 'JSON results'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l tap -d 'TAP results'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l ndjson -d 'every record plus verdicts'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l junit -r -F -d 'JUnit XML file'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l spread-limit -x -d 'off-CPU spread limit'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l gap-limit-ms -x -d 'stall limit'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l wake-p99-limit-us -x -d 'p99 wake latency limit'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l wake-cv-limit -x -d 'wake latency variation limit'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l throughput-cv-limit -x -d 'throughput variation limit'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l min-iteration-rate -x -d 'minimum iterations per second'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l no-isolation -d 'do not check cpusets'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l repro -d 'attach crash probes'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l probe-stack -r -F -d 'crash stack'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l auto-repro -d 'rerun crashes with probes'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l kernel-dir -r -F -d 'kernel build tree'
# list, topo, cleanup, locks
complete -c ktstr -n "__fish_seen_subcommand_from list" -l filter -x -d 'name substring'
complete -c ktstr -n "__fish_seen_subcommand_from list" -l json -d 'JSON output'
complete -c ktstr -n "__fish_seen_subcommand_from list" -l scenario-file -r -F -d 'add scenarios from a file'
complete -c ktstr -n "__fish_seen_subcommand_from topo" -l json -d 'the topo record'
complete -c ktstr -n "__fish_seen_subcommand_from topo" -l text -d "a summary for people"
complete -c ktstr -n "__fish_seen_subcommand_from topo" -l topology -x -d 'synthetic N,L,C,T'
complete -c ktstr -n "__fish_seen_subcommand_from cleanup" -l parent-cgroup -r -F -d 'one cgroup'
complete -c ktstr -n "__fish_seen_subcommand_from locks" -l json -d 'JSON output'
complete -c ktstr -n "__fish_seen_subcommand_from locks" -l watch -x -d 'redraw interval'
# kernel, host-state, shell
set -l ktstr_kernel_cmds list build clean resolve add
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and not __fish_seen_subcommand_from $ktstr_kernel_cmds" -a "$ktstr_kernel_cmds"
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from list" -l json -d 'one JSON object'
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from build" -s f -l force -d 'build even when cached'
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from build" -s j -l jobs -x -d 'make jobs'
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from build" -l source -x -a '(__fish_complete_directories)' -d 'kernel source tree'
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from clean" -l keep -x -d 'keep the N newest'
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from clean" -s f -l force -d 'do not ask'
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from resolve add" -F
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from add" -l vmlinux -r -F -d 'vmlinux with symbols'
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from add" -l config -r -F -d 'the kernel config'
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from add" -l name -x -d 'cache key'
complete -c ktstr -n "__fish_seen_subcommand_from kernel; and __fish_seen_subcommand_from add" -s f -l force -d 'replace an entry of that name'
complete -c ktstr -n "__fish_seen_subcommand_from host-state" -a 'capture compare'
complete -c ktstr -n "__fish_seen_subcommand_from host-state" -s o -l output -r -F -d 'snapshot file'
set -l ktstr_hst_cmp "__fish_seen_subcommand_from host-state; and __fish_seen_subcommand_from compare"
set -l ktstr_hst_metrics run_time_ns wait_time_ns timeslices utime_ns stime_ns voluntary_csw nonvoluntary_csw \
	nr_migrations wait_sum_ns wait_count sleep_sum_ns block_sum_ns iowait_sum_ns \
	iowait_count nr_wakeups nr_wakeups_sync nr_wakeups_migrate nr_wakeups_local \
	nr_wakeups_remote nr_wakeups_affine nr_wakeups_affine_attempts nr_wakeups_passive \
	nr_wakeups_idle nr_migrations_cold nr_failed_migrations_affine \
	nr_failed_migrations_running nr_failed_migrations_hot nr_forced_migrations minflt majflt \
	rchar wchar syscr syscw read_bytes write_bytes cancelled_write_bytes threads policy nice \
	cpus_allowed cgroup cpu_usage_ns cpu_user_ns cpu_system_ns nr_periods nr_throttled \
	throttled_ns memory_current_bytes cgroups
complete -c ktstr -n $ktstr_hst_cmp -l group-by -x -a 'pcomm,comm pcomm comm cgroup' -d 'group threads by'
complete -c ktstr -n $ktstr_hst_cmp -l cgroup-flatten -x -d 'merge cgroups matching'
complete -c ktstr -n $ktstr_hst_cmp -l metric -x -a "$ktstr_hst_metrics" -d 'only this metric'
complete -c ktstr -n $ktstr_hst_cmp -l top -x -d 'rows per metric'
complete -c ktstr -n $ktstr_hst_cmp -l min-delta -x -d 'smallest change listed'
complete -c ktstr -n $ktstr_hst_cmp -l all -d 'list unchanged rows'
complete -c ktstr -n $ktstr_hst_cmp -l json -d 'JSON output'
complete -c ktstr -n $ktstr_hst_cmp -l fail-on-change -d 'exit 1 on changes'
complete -c ktstr -n $ktstr_hst_cmp -F
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l kernel -r -F -d 'kernel id or image'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l topology -x -d 'N,L,C,T'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -s i -l include-files -r -F -d 'include in guest'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l memory-mb -x -d 'guest memory'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l dmesg -d 'kernel console to stderr'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l exec -x -d 'command to run'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l idle-timeout -x -d 'longest silence of the command'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l no-perf-mode -d 'no reservation'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l cpu-cap -x -d 'host CPUs to reserve'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l lock-timeout -x -d 'wait for busy host CPUs'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l timeout -x -d 'kill the VM after'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l backend -x -a 'auto qemu native' -d 'VM backend'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l append -x -d 'kernel parameters'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l dry-run -d 'print, boot nothing'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -s v -l verbose -d 'boot timing'
# completions, help
complete -c ktstr -n "__fish_seen_subcommand_from completions" -a 'bash zsh fish elvish powershell'
complete -c ktstr -n "__fish_seen_subcommand_from help" -a "$ktstr_cmds"
