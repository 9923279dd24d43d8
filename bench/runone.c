/* runone LOG CMD [ARG...]: runs CMD once (its stdout and stderr to LOG)
 * and prints "WALL_US CPU_US MAXRSS_KB STATUS" on stdout.  The wall time
 * runs from just before fork to the reaping of the child; CPU time and
 * peak resident set come from wait4's rusage of that child alone, so
 * one run gives both figures with no GNU time process in between. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

static long long tv_us(struct timeval t)
{
	return t.tv_sec * 1000000LL + t.tv_usec;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	long long t0, t1;
	int status, log;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: runone LOG CMD [ARG...]\n");
		return 2;
	}
	log = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log < 0) {
		perror(argv[1]);
		return 2;
	}
	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (!pid) {
		dup2(log, 1);
		dup2(log, 2);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid) {
		perror("wait4");
		return 2;
	}
	t1 = now_us();
	printf("%lld %lld %ld %d\n", t1 - t0, tv_us(ru.ru_utime) +
	       tv_us(ru.ru_stime), ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) :
	       128 + WTERMSIG(status));
	return 0;
}
