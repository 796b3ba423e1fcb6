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
complete -c ktstr -n "__fish_seen_subcommand_from run" -l scenario -x -d 'exactly this scenario'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l scenario-file -r -F -d 'scenario file'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l work-type -x -a "$ktstr_work_types" -d 'override CpuSpin'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l settle -x -d 'time before measuring'
complete -c ktstr -n "__fish_seen_subcommand_from run" -l no-perf-mode -d 'no reservation or pinning'
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
complete -c ktstr -n "__fish_seen_subcommand_from topo" -l json -d 'the topo record'
complete -c ktstr -n "__fish_seen_subcommand_from topo" -l text -d "a summary for people"
complete -c ktstr -n "__fish_seen_subcommand_from topo" -l topology -x -d 'synthetic N,L,C,T'
complete -c ktstr -n "__fish_seen_subcommand_from cleanup" -l parent-cgroup -r -F -d 'one cgroup'
complete -c ktstr -n "__fish_seen_subcommand_from locks" -l json -d 'JSON output'
complete -c ktstr -n "__fish_seen_subcommand_from locks" -l watch -x -d 'redraw interval'
# kernel, host-state, shell
complete -c ktstr -n "__fish_seen_subcommand_from kernel" -a 'list build clean resolve add'
complete -c ktstr -n "__fish_seen_subcommand_from host-state" -a 'capture compare'
complete -c ktstr -n "__fish_seen_subcommand_from host-state" -s o -l output -r -F -d 'snapshot file'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l kernel -r -F -d 'kernel id or image'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l topology -x -d 'N,L,C,T'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -s i -l include-files -r -F -d 'include in guest'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l memory-mb -x -d 'guest memory'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l dmesg -d 'kernel console to stderr'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l exec -x -d 'command to run'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l no-perf-mode -d 'no reservation'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l cpu-cap -x -d 'host CPUs to reserve'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l timeout -x -d 'kill the VM after'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l backend -x -a 'auto qemu native' -d 'VM backend'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l append -x -d 'kernel parameters'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -l dry-run -d 'print, boot nothing'
complete -c ktstr -n "__fish_seen_subcommand_from shell" -s v -l verbose -d 'boot timing'
# completions, help
complete -c ktstr -n "__fish_seen_subcommand_from completions" -a 'bash zsh fish elvish powershell'
complete -c ktstr -n "__fish_seen_subcommand_from help" -a "$ktstr_cmds"
