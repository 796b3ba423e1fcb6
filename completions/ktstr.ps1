# PowerShell completion for ktstr(1):
#   ktstr completions powershell | Out-String | Invoke-Expression

Register-ArgumentCompleter -Native -CommandName ktstr -ScriptBlock {
	param($wordToComplete, $commandAst, $cursorPosition)

	$workTypes = @('CpuSpin', 'YieldHeavy', 'Mixed', 'IoSync', 'Bursty', 'PipeIo',
		'FutexPingPong', 'CachePressure', 'CacheYield', 'CachePipe', 'FutexFanOut',
		'ForkExit', 'NiceSweep', 'AffinityChurn', 'PolicyChurn', 'FanOutCompute',
		'PageFaultChurn', 'MutexContention')
	$flagNames = @('llc', 'borrow', 'steal', 'rebal', 'reject-pin', 'no-ctrl')
	$hstMetrics = @('run_time_ns', 'wait_time_ns', 'timeslices', 'utime_ns', 'stime_ns', 'voluntary_csw',
		'nonvoluntary_csw', 'nr_migrations', 'wait_sum_ns', 'wait_count', 'sleep_sum_ns',
		'block_sum_ns', 'iowait_sum_ns', 'iowait_count', 'nr_wakeups', 'nr_wakeups_sync',
		'nr_wakeups_migrate', 'nr_wakeups_local', 'nr_wakeups_remote', 'nr_wakeups_affine',
		'nr_wakeups_affine_attempts', 'nr_wakeups_passive', 'nr_wakeups_idle',
		'nr_migrations_cold', 'nr_failed_migrations_affine', 'nr_failed_migrations_running',
		'nr_failed_migrations_hot', 'nr_forced_migrations', 'minflt', 'majflt', 'rchar',
		'wchar', 'syscr', 'syscw', 'read_bytes', 'write_bytes', 'cancelled_write_bytes',
		'threads', 'policy', 'nice', 'cpus_allowed', 'cgroup', 'cpu_usage_ns', 'cpu_user_ns',
		'cpu_system_ns', 'nr_periods', 'nr_throttled', 'throttled_ns', 'memory_current_bytes',
		'cgroups')
	$commands = @('run', 'list', 'topo', 'cleanup', 'kernel', 'shell', 'host-state', 'locks',
		'completions', 'help')
	$options = @{
		'run'         = @('--duration', '--workers', '--flags', '--filter', '--category', '--scenario', '--scenario-file', '--work-type', '--settle', '--no-perf-mode', '--cpu-cap', '--lock-timeout', '--kernel', '--topology', '--timeout', '--scheduler', '--scheduler-arg', '--attach-timeout', '--stream', '--text', '--json', '--tap', '--ndjson', '--junit', '--spread-limit', '--gap-limit-ms', '--wake-p99-limit-us', '--wake-cv-limit', '--throughput-cv-limit', '--min-iteration-rate', '--no-isolation', '--repro', '--probe-stack', '--auto-repro', '--kernel-dir', '--help')
		'list'        = @('--filter', '--json', '--scenario-file', '--help')
		'topo'        = @('--json', '--text', '--topology', '--help')
		'cleanup'     = @('--parent-cgroup', '--help')
		'kernel'      = @('list', 'build', 'clean', 'resolve', 'add', '--help')
		'shell'       = @('--kernel', '--topology', '-i', '--include-files', '--memory-mb', '--dmesg',
			'--exec', '--idle-timeout', '--no-perf-mode', '--cpu-cap', '--lock-timeout', '--timeout', '--backend', '--append',
			'--dry-run', '-v', '--verbose', '--help')
		'host-state'  = @('capture', 'compare', '-o', '--output', '--group-by', '--cgroup-flatten',
			'--metric', '--top', '--min-delta', '--all', '--json', '--fail-on-change', '--help')
		'locks'       = @('--json', '--watch', '--help')
		'completions' = @('bash', 'zsh', 'fish', 'elvish', 'powershell')
		'help'        = $commands
	}
	$kernelOptions = @{
		'list'    = @('--json', '--help')
		'build'   = @('--force', '--jobs', '--source', '--help')
		'clean'   = @('--keep', '--force', '--help')
		'resolve' = @()
		'add'     = @('--vmlinux', '--config', '--name', '--force', '--help')
	}

	$words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
	if ($wordToComplete -ne '') { $words = $words[0..($words.Count - 2)] }
	if ($words.Count -le 1) {
		$candidates = $commands + @('--help', '--version')
	} else {
		$prev = $words[-1]
		if ($prev -eq '--work-type') {
			$candidates = $workTypes
		} elseif ($prev -eq '--flags') {
			$candidates = $flagNames
		} elseif ($prev -eq '--group-by') {
			$candidates = @('pcomm,comm', 'pcomm', 'comm', 'cgroup')
		} elseif ($prev -eq '--metric') {
			$candidates = $hstMetrics
		} elseif (@('--junit', '--scenario-file', '--probe-stack', '-o', '--output', '-i',
				'--include-files', '--kernel', '--kernel-dir', '--parent-cgroup', '--source', '--vmlinux', '--scheduler',
				'--config') -contains $prev) {
			return Get-ChildItem -Path "$wordToComplete*" | ForEach-Object {
				[System.Management.Automation.CompletionResult]::new($_.Name)
			}
		} elseif ($words[1] -eq 'kernel' -and $words.Count -ge 3 -and $kernelOptions.ContainsKey($words[2])) {
			$candidates = $kernelOptions[$words[2]]
		} else {
			$candidates = $options[$words[1]]
		}
	}
	$candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
		[System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
	}
}
