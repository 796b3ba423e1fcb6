// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "futex.h"
#include "ktime.h"
#include "unit.h"

static void test_wait_returns_at_once_when_the_word_changed(void)
{
	_Atomic uint32_t w = 1;

	CHECK(futex_wait(&w, 0, 0) == -EAGAIN);
}

static void test_wait_times_out(void)
{
	_Atomic uint32_t w = 0;
	uint64_t t0 = ktime_now_ns();

	CHECK(futex_wait(&w, 0, 20000000) == -ETIMEDOUT);
	CHECK(ktime_now_ns() - t0 >= 20000000);
}

/* The words live in MAP_SHARED memory between processes, as the workers' do. */
static void test_wake_crosses_processes(void)
{
	_Atomic uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				   -1, 0);
	int st, woken = 0, i;
	pid_t pid;

	*w = 0;
	pid = fork();
	if (pid == 0) {
		while (atomic_load(w) == 0)
			futex_wait(w, 0, 0);
		_exit(atomic_load(w) == 7 ? 0 : 1);
	}
	/* wake until the child was really asleep and got it */
	for (i = 0; i < 200 && !woken; i++) {
		ktime_sleep_until_ns(ktime_now_ns() + 5000000);
		atomic_store(w, 7);
		woken = futex_wake(w, 1) == 1;
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	munmap((void *)w, 4096);
}

int main(void)
{
	RUN(test_wait_returns_at_once_when_the_word_changed);
	RUN(test_wait_times_out);
	RUN(test_wake_crosses_processes);
	return unit_done();
}
