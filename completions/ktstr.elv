# elvish completion for ktstr(1):  eval (ktstr completions elvish | slurp)

var ktstr-work-types = [CpuSpin YieldHeavy Mixed IoSync Bursty PipeIo FutexPingPong CachePressure CacheYield CachePipe FutexFanOut ForkExit NiceSweep AffinityChurn PolicyChurn FanOutCompute PageFaultChurn MutexContention]
var ktstr-flag-names = [llc borrow steal rebal reject-pin no-ctrl]
var ktstr-options = [
	&run=[--duration --workers --flags --filter --scenario --scenario-file --work-type --settle --no-perf-mode --text --json --tap --ndjson --junit --spread-limit --gap-limit-ms --wake-p99-limit-us --wake-cv-limit --throughput-cv-limit --min-iteration-rate --no-isolation --repro --probe-stack --auto-repro --kernel-dir --help]
	&list=[--filter --json --help]
	&topo=[--json --text --topology --help]
	&cleanup=[--parent-cgroup --help]
	&kernel=[list build clean resolve add --help]
	&shell=[--kernel --topology -i --include-files --memory-mb --dmesg --exec --no-perf-mode --cpu-cap --timeout --backend --append --dry-run -v --verbose --help]
	&host-state=[capture compare --help]
	&locks=[--json --watch --help]
	&completions=[bash zsh fish elvish powershell]
	&help=[run list topo cleanup kernel shell host-state locks completions help]
]

set edit:completion:arg-completer[ktstr] = {|@words|
	var n = (count $words)
	if (== $n 2) {
		put run list topo cleanup kernel shell host-state locks completions help --help --version
		return
	}
	var prev = $words[-2]
	if (eq $prev --work-type) {
		all $ktstr-work-types
	} elif (eq $prev --flags) {
		all $ktstr-flag-names
	} elif (has-value [--junit --scenario-file --probe-stack -o --output -i --include-files --kernel --kernel-dir --parent-cgroup] $prev) {
		edit:complete-filename $words[-1]
	} elif (has-key $ktstr-options $words[1]) {
		all $ktstr-options[$words[1]]
	}
}
