# PowerShell completion for ktstr(1):
#   ktstr completions powershell | Out-String | Invoke-Expression

Register-ArgumentCompleter -Native -CommandName ktstr -ScriptBlock {
	param($wordToComplete, $commandAst, $cursorPosition)

	$workTypes = @('CpuSpin', 'YieldHeavy', 'Mixed', 'IoSync', 'Bursty', 'PipeIo',
		'FutexPingPong', 'CachePressure', 'CacheYield', 'CachePipe', 'FutexFanOut',
		'ForkExit', 'NiceSweep', 'AffinityChurn', 'PolicyChurn', 'FanOutCompute',
		'PageFaultChurn', 'MutexContention')
	$flagNames = @('llc', 'borrow', 'steal', 'rebal', 'reject-pin', 'no-ctrl')
	$commands = @('run', 'list', 'topo', 'cleanup', 'kernel', 'shell', 'host-state', 'locks',
		'completions', 'help')
	$options = @{
		'run'         = @('--duration', '--workers', '--flags', '--filter', '--scenario', '--scenario-file', '--work-type', '--settle', '--no-perf-mode', '--text', '--json', '--tap', '--ndjson', '--junit', '--spread-limit', '--gap-limit-ms', '--wake-p99-limit-us', '--wake-cv-limit', '--throughput-cv-limit', '--min-iteration-rate', '--no-isolation', '--repro', '--probe-stack', '--auto-repro', '--kernel-dir', '--help')
		'list'        = @('--filter', '--json', '--help')
		'topo'        = @('--json', '--text', '--topology', '--help')
		'cleanup'     = @('--parent-cgroup', '--help')
		'kernel'      = @('list', 'build', 'clean', 'resolve', 'add', '--help')
		'shell'       = @('--kernel', '--topology', '-i', '--include-files', '--memory-mb', '--dmesg',
			'--exec', '--no-perf-mode', '--cpu-cap', '--timeout', '--backend', '--append',
			'--dry-run', '-v', '--verbose', '--help')
		'host-state'  = @('capture', 'compare', '--help')
		'locks'       = @('--json', '--watch', '--help')
		'completions' = @('bash', 'zsh', 'fish', 'elvish', 'powershell')
		'help'        = $commands
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
		} elseif (@('--junit', '--scenario-file', '--probe-stack', '-o', '--output', '-i',
				'--include-files', '--kernel', '--kernel-dir', '--parent-cgroup') -contains $prev) {
			return Get-ChildItem -Path "$wordToComplete*" | ForEach-Object {
				[System.Management.Automation.CompletionResult]::new($_.Name)
			}
		} else {
			$candidates = $options[$words[1]]
		}
	}
	$candidates | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
		[System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
	}
}
